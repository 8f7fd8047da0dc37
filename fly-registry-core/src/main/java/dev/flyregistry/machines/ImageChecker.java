package dev.flyregistry.machines;

/**
 * Tells whether an image exists in its registry; a deploy asks it before changing anything. Plug in
 * the registry client, for example {@code ref -> registry.head(ImageReference.parse(ref))
 * .isPresent()}.
 */
@FunctionalInterface
public interface ImageChecker {
  /** A checker that accepts every image (no check). */
  ImageChecker NONE = image -> true;

  /**
   * @param image the image reference as it will be written into the machines' configuration
   * @return whether the image exists
   */
  boolean exists(String image);
}
