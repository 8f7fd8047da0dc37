package dev.flyregistry.graphql;

import java.util.Objects;

/**
 * An image as Fly resolves it for an app ({@code app(name) { image(ref) { ... } }}), the check
 * {@code fly deploy --image} makes before deploying.
 *
 * @param id the image's node ID
 * @param digest the manifest digest ({@code sha256:...})
 * @param ref the reference Fly resolved
 * @param compressedSizeFull the total compressed size in bytes ({@code compressedSizeFull})
 * @param manifestJson the manifest as JSON text
 */
public record AppImage(
    String id, String digest, String ref, long compressedSizeFull, String manifestJson) {
  /**
   * Validates the components.
   *
   * @param id the image's node ID
   * @param digest the manifest digest ({@code sha256:...})
   * @param ref the reference Fly resolved
   * @param compressedSizeFull the total compressed size in bytes ({@code compressedSizeFull})
   * @param manifestJson the manifest as JSON text
   */
  public AppImage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(manifestJson, "manifestJson");
    if (compressedSizeFull < 0) {
      throw new IllegalArgumentException(
          "compressedSizeFull must not be negative, was " + compressedSizeFull);
    }
  }
}
