package dev.flyregistry.registry;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** State shared by the four manifest classes. */
abstract class BaseManifest {
  private final String mediaType;
  private final byte[] bytes;
  private final Digest digest;
  private final int schemaVersion;
  private final Map<String, String> annotations;
  private final Descriptor subject;

  BaseManifest(
      String mediaType,
      byte[] bytes,
      int schemaVersion,
      Map<String, String> annotations,
      Descriptor subject) {
    this.mediaType = mediaType;
    this.bytes = bytes.clone();
    this.digest = Digest.sha256(this.bytes);
    this.schemaVersion = schemaVersion;
    this.annotations = Map.copyOf(annotations);
    this.subject = subject;
  }

  /**
   * @return the media type, from the JSON {@code mediaType} or else the response's {@code
   *     Content-Type}
   */
  public String mediaType() {
    return mediaType;
  }

  /**
   * @return a copy of the exact bytes the registry returned
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * @return the SHA-256 digest of {@link #bytes()}
   */
  public Digest digest() {
    return digest;
  }

  /**
   * @return the length of {@link #bytes()}
   */
  public long size() {
    return bytes.length;
  }

  /**
   * @return the {@code schemaVersion} field (2)
   */
  public int schemaVersion() {
    return schemaVersion;
  }

  /**
   * @return the manifest's annotations, possibly empty
   */
  public Map<String, String> annotations() {
    return annotations;
  }

  /**
   * @return the {@code subject} descriptor (OCI referrers), when present
   */
  public Optional<Descriptor> subject() {
    return Optional.ofNullable(subject);
  }

  @Override
  public boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && Arrays.equals(((BaseManifest) o).bytes, bytes)
        && ((BaseManifest) o).mediaType.equals(mediaType);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "["
        + mediaType
        + ", "
        + digest
        + ", "
        + bytes.length
        + " bytes]";
  }
}
