package dev.flyregistry.registry;

import java.util.List;
import java.util.Map;

/** A Docker manifest list ({@code application/vnd.docker.distribution.manifest.list.v2+json}). */
public final class DockerManifestList extends BaseManifest implements ManifestIndex {
  private final List<Descriptor> manifests;

  DockerManifestList(
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
