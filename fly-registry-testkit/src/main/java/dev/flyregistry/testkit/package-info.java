/**
 * FlyEmulator: Fly's registry, Machines API and GraphQL endpoints on loopback, for integration
 * tests.
 */
package dev.flyregistry.testkit;
