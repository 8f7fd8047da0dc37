package dev.flyregistry.machines;

import dev.flyregistry.registry.ImageReference;

/**
 * Tells whether an image exists in its registry; a deploy asks it before changing anything. A
 * shared {@link dev.flyregistry.registry.RegistryClient} fits as {@code registry::exists}.
 */
@FunctionalInterface
public interface ImageChecker {
  /** A checker that accepts every image (no check). */
  ImageChecker NONE = image -> true;

  /**
   * @param image the image to deploy
   * @return whether the image exists
   */
  boolean exists(ImageReference image);
}
