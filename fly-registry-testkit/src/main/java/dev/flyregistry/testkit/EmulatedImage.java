package dev.flyregistry.testkit;

import dev.flyregistry.registry.Digest;
import java.util.List;
import java.util.Objects;

/**
 * An image the emulator holds, as a seed helper stored it.
 *
 * @param registryHost the emulator's registry host ({@code 127.0.0.1:PORT})
 * @param repository the repository ({@code app-1})
 * @param tag the tag, or null when stored by digest only
 * @param digest the manifest digest
 * @param mediaType the manifest media type
 * @param manifestJson the exact manifest text
 * @param config the config blob digest
 * @param layers the layer digests, in order
 * @param layersSize the sum of the layer sizes
 */
public record EmulatedImage(
    String registryHost,
    String repository,
    String tag,
    Digest digest,
    String mediaType,
    String manifestJson,
    Digest config,
    List<Digest> layers,
    long layersSize) {

  /**
   * Validates and copies the components.
   *
   * @param registryHost the emulator's registry host ({@code 127.0.0.1:PORT})
   * @param repository the repository ({@code app-1})
   * @param tag the tag, or null when stored by digest only
   * @param digest the manifest digest
   * @param mediaType the manifest media type
   * @param manifestJson the exact manifest text
   * @param config the config blob digest
   * @param layers the layer digests, in order
   * @param layersSize the sum of the layer sizes
   */
  public EmulatedImage {
    Objects.requireNonNull(registryHost, "registryHost");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    layers = List.copyOf(layers);
  }

  /**
   * @return {@code host/repository:tag}, or {@code host/repository@digest} without a tag
   */
  public String reference() {
    return registryHost + "/" + repository + (tag != null ? ":" + tag : "@" + digest);
  }

  /**
   * @return {@code host/repository@digest}
   */
  public String digestReference() {
    return registryHost + "/" + repository + "@" + digest;
  }
}
