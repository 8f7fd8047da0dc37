package dev.flyregistry.testkit;

import java.time.Instant;

/**
 * A release record the emulator holds.
 *
 * @param id the release ID
 * @param app the app
 * @param version the version (1, 2, ...)
 * @param status the status ({@code running}, {@code complete}, {@code failed}, ...)
 * @param imageRef the image reference, or null
 * @param description the description
 * @param userEmail the e-mail of the user who made it, or null
 * @param createdAt when it was made
 */
public record EmulatedRelease(
    String id,
    String app,
    int version,
    String status,
    String imageRef,
    String description,
    String userEmail,
    Instant createdAt) {}
