package dev.flyregistry.testkit;

/**
 * A machine the emulator holds.
 *
 * @param id the machine ID
 * @param app the app
 * @param name the machine name
 * @param state its state ({@code started}, {@code stopped}, ...)
 * @param image {@code config.image}
 * @param instanceId the current version
 * @param leased whether a lease is held on it now
 */
public record EmulatedMachine(
    String id,
    String app,
    String name,
    String state,
    String image,
    String instanceId,
    boolean leased) {}
