package dev.flyregistry.registry;

import java.util.List;

/** A single-platform image manifest: a config blob and layers. */
public sealed interface ImageManifest extends Manifest permits OciManifest, DockerManifest {
  /**
   * @return the image configuration blob
   */
  Descriptor config();

  /**
   * @return the layers, base first
   */
  List<Descriptor> layers();
}
