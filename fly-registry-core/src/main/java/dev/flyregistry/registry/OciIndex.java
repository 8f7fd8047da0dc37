package dev.flyregistry.registry;

import java.util.List;
import java.util.Map;

/** An OCI image index ({@code application/vnd.oci.image.index.v1+json}). */
public final class OciIndex extends BaseManifest implements ManifestIndex {
  private final List<Descriptor> manifests;

  OciIndex(
      String mediaType,
      byte[] bytes,
      int schemaVersion,
      Map<String, String> annotations,
      Descriptor subject,
      List<Descriptor> manifests) {
    super(mediaType, bytes, schemaVersion, annotations, subject);
    this.manifests = List.copyOf(manifests);
  }

  @Override
  public List<Descriptor> manifests() {
    return manifests;
  }
}
