package dev.flyregistry.registry;

import java.util.List;
import java.util.Map;

/** An OCI image manifest ({@code application/vnd.oci.image.manifest.v1+json}). */
public final class OciManifest extends BaseManifest implements ImageManifest {
  private final Descriptor config;
  private final List<Descriptor> layers;

  OciManifest(
      String mediaType,
      byte[] bytes,
      int schemaVersion,
      Map<String, String> annotations,
      Descriptor subject,
      Descriptor config,
      List<Descriptor> layers) {
    super(mediaType, bytes, schemaVersion, annotations, subject);
    this.config = config;
    this.layers = List.copyOf(layers);
  }

  @Override
  public Descriptor config() {
    return config;
  }

  @Override
  public List<Descriptor> layers() {
    return layers;
  }
}
