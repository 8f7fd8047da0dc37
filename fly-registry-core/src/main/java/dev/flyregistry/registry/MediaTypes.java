package dev.flyregistry.registry;

import java.util.List;

/** Media types of the OCI image spec and the Docker image formats. */
public final class MediaTypes {
  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** Docker image manifest, schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list (multi-platform). */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** OCI image configuration. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** Docker image configuration. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Uncompressed OCI layer. */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

  /** Gzip-compressed OCI layer. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** Zstandard-compressed OCI layer. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** Gzip-compressed Docker layer. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** The OCI empty descriptor's media type. */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** Docker schema 1 signed manifest (legacy, not supported for parsing). */
  public static final String DOCKER_MANIFEST_V1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** Every manifest type the SDK reads, in the order sent in {@code Accept}: indexes first. */
  public static final List<String> MANIFEST_TYPES =
      List.of(OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

  private static final String ACCEPT = String.join(", ", MANIFEST_TYPES);

  private MediaTypes() {}

  /**
   * @return the {@code Accept} header value listing {@link #MANIFEST_TYPES}
   */
  public static String acceptHeader() {
    return ACCEPT;
  }

  /**
   * @param mediaType a media type, may carry parameters
   * @return whether it is an OCI index or a Docker manifest list
   */
  public static boolean isIndex(String mediaType) {
    String t = essence(mediaType);
    return OCI_INDEX.equals(t) || DOCKER_MANIFEST_LIST.equals(t);
  }

  /**
   * @param mediaType a media type, may carry parameters
   * @return whether it is an OCI or Docker v2 image manifest
   */
  public static boolean isManifest(String mediaType) {
    String t = essence(mediaType);
    return OCI_MANIFEST.equals(t) || DOCKER_MANIFEST.equals(t);
  }

  /**
   * @param mediaType a media type such as {@code application/json; charset=utf-8}, may be null
   * @return the type without parameters, trimmed and lower case; empty for null
   */
  public static String essence(String mediaType) {
    if (mediaType == null) {
      return "";
    }
    int semi = mediaType.indexOf(';');
    String t = semi >= 0 ? mediaType.substring(0, semi) : mediaType;
    return t.trim().toLowerCase(java.util.Locale.ROOT);
  }
}
