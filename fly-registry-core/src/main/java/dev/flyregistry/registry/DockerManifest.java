package dev.flyregistry.registry;

import java.util.List;
import java.util.Map;

/**
 * A Docker image manifest, schema 2 ({@code application/vnd.docker.distribution.manifest.v2+json}).
 */
public final class DockerManifest extends BaseManifest implements ImageManifest {
  private final Descriptor config;
  private final List<Descriptor> layers;

  DockerManifest(
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
