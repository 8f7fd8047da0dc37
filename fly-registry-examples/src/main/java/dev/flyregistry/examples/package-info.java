/** Runnable examples, one per workflow step, and the {@code flyreg} command line. */
package dev.flyregistry.examples;
