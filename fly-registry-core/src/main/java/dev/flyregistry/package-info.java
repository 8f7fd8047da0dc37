/** The root of the SDK's exception family. */
package dev.flyregistry;
