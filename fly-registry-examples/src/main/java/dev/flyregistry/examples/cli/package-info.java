/**
 * The {@code flyreg} command line ({@link dev.flyregistry.examples.cli.Flyreg}), built on picocli
 * from the SDK's clients and the examples.
 */
package dev.flyregistry.examples.cli;
