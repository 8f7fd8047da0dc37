package dev.flyregistry.registry;

import java.util.Map;
import java.util.Optional;

/**
 * A manifest as the registry stored it: the exact raw bytes (never re-serialised), their digest,
 * and the parsed content. Either an {@link ImageManifest} (OCI or Docker v2) or a {@link
 * ManifestIndex} (OCI index or Docker manifest list). Instances are immutable.
 */
public sealed interface Manifest permits ImageManifest, ManifestIndex {

  /**
   * @return the media type, from the JSON {@code mediaType} or else the response's {@code
   *     Content-Type}
   */
  String mediaType();

  /**
   * @return a copy of the exact bytes the registry returned
   */
  byte[] bytes();

  /**
   * @return the SHA-256 digest of {@link #bytes()}
   */
  Digest digest();

  /**
   * @return the length of {@link #bytes()}
   */
  long size();

  /**
   * @return the {@code schemaVersion} field (2)
   */
  int schemaVersion();

  /**
   * @return the manifest's annotations, possibly empty
   */
  Map<String, String> annotations();

  /**
   * @return the {@code subject} descriptor (OCI referrers), when present
   */
  Optional<Descriptor> subject();

  /**
   * @return a descriptor pointing at this manifest (media type, digest, size)
   */
  default Descriptor descriptor() {
    return Descriptor.of(mediaType(), digest(), size());
  }

  /**
   * Parses manifest bytes.
   *
   * @param bytes the raw bytes
   * @param contentType the response's {@code Content-Type}, or null when unknown
   * @return the parsed manifest, keeping {@code bytes}
   * @throws ManifestFormatException when the bytes are not JSON, lack required fields, are of an
   *     unsupported type, or their {@code mediaType} disagrees with {@code contentType}
   */
  static Manifest parse(byte[] bytes, String contentType) {
    return ManifestParser.parse(bytes, contentType);
  }
}
