package dev.flyregistry.registry;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Points at content in a registry: its media type, digest and size, and for index entries the
 * platform.
 *
 * @param mediaType the content's media type
 * @param digest the content's digest
 * @param size the content's size in bytes
 * @param platform the platform, for entries of an index
 * @param annotations annotations, possibly empty
 * @param artifactType the artifact type, when the content is an artifact
 * @param urls alternative download locations, possibly empty
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Optional<Platform> platform,
    Map<String, String> annotations,
    Optional<String> artifactType,
    List<String> urls) {

  /**
   * Validates and copies the components.
   *
   * @param mediaType the content's media type
   * @param digest the content's digest
   * @param size the content's size in bytes
   * @param platform the platform, for entries of an index
   * @param annotations annotations, possibly empty
   * @param artifactType the artifact type, when the content is an artifact
   * @param urls alternative download locations, possibly empty
   */
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size must not be negative, was " + size);
    }
    Objects.requireNonNull(platform, "platform");
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(artifactType, "artifactType");
    urls = List.copyOf(urls);
  }

  /**
   * @param mediaType the content's media type
   * @param digest the content's digest
   * @param size the content's size in bytes
   * @return a descriptor without platform, annotations, artifact type or URLs
   */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(
        mediaType, digest, size, Optional.empty(), Map.of(), Optional.empty(), List.of());
  }
}
