package dev.flyregistry.testing;

/**
 * The four manifest kinds the real-registry suite pushes with skopeo, each from the same OCI
 * layout: the tag in the registry, the media type the registry then serves, and how skopeo is told
 * to write it.
 */
public enum ManifestKind {
  /** OCI image manifest ({@code skopeo copy oci:DIR:TAG}). */
  OCI_MANIFEST("oci", TestImages.OCI_MANIFEST, Skopeo.Format.KEEP, false),
  /** Docker image manifest v2 schema 2 ({@code --format v2s2}). */
  DOCKER_MANIFEST("docker", TestImages.DOCKER_MANIFEST, Skopeo.Format.V2S2, false),
  /** OCI image index ({@code --all}). */
  OCI_INDEX("oci-index", TestImages.OCI_INDEX, Skopeo.Format.KEEP, true),
  /** Docker manifest list ({@code --all --format v2s2}). */
  DOCKER_MANIFEST_LIST("docker-list", TestImages.DOCKER_MANIFEST_LIST, Skopeo.Format.V2S2, true);

  private final String tag;
  private final String mediaType;
  private final Skopeo.Format format;
  private final boolean multiPlatform;

  ManifestKind(String tag, String mediaType, Skopeo.Format format, boolean multiPlatform) {
    this.tag = tag;
    this.mediaType = mediaType;
    this.format = format;
    this.multiPlatform = multiPlatform;
  }

  /**
   * @return the tag this kind is pushed under
   */
  public String tag() {
    return tag;
  }

  /**
   * @return the media type the registry serves for it
   */
  public String mediaType() {
    return mediaType;
  }

  /**
   * @return the skopeo output format
   */
  public Skopeo.Format format() {
    return format;
  }

  /**
   * @return whether it is an index / manifest list ({@code skopeo copy --all})
   */
  public boolean multiPlatform() {
    return multiPlatform;
  }
}
