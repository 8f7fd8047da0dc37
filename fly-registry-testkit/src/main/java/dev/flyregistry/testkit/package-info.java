/**
 * FlyEmulator: Fly's registry ({@code registry.fly.io}), Machines API ({@code api.machines.dev})
 * and {@code api.fly.io} (GraphQL and release records) on loopback ports, in process, for
 * integration tests.
 *
 * <p>Start one with {@link dev.flyregistry.testkit.FlyEmulator#start()} (or let {@link
 * dev.flyregistry.testkit.FlyEmulatorExtension} start one per test class), create an organization,
 * a token and apps, seed images, and point the SDK's clients at it ({@link
 * dev.flyregistry.testkit.FlyEmulator#registryClient(String)}, {@link
 * dev.flyregistry.testkit.FlyEmulator#machinesClient(String)}, {@link
 * dev.flyregistry.testkit.FlyEmulator#graphqlClient(String)}). {@link
 * dev.flyregistry.testkit.FlyEmulator#faults()} injects failures and {@link
 * dev.flyregistry.testkit.FlyEmulator#metrics()} tells what the emulator saw.
 */
package dev.flyregistry.testkit;
