package dev.flyregistry.registry;

import java.util.List;

/** A multi-platform index: a list of manifests, usually one per platform. */
public sealed interface ManifestIndex extends Manifest permits OciIndex, DockerManifestList {
  /**
   * @return the child manifests
   */
  List<Descriptor> manifests();
}
