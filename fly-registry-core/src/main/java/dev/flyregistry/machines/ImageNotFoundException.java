package dev.flyregistry.machines;

import dev.flyregistry.FlyException;

/** A deploy was refused before any change because the image does not exist in its registry. */
public class ImageNotFoundException extends FlyException {
  private static final long serialVersionUID = 1L;

  /** The image reference that was not found. */
  private final String image;

  /**
   * Creates the exception.
   *
   * @param image the image reference that was not found
   */
  public ImageNotFoundException(String image) {
    super("image " + image + " does not exist in its registry; push it before deploying");
    this.image = image;
  }

  /**
   * @return the image reference that was not found
   */
  public String image() {
    return image;
  }
}
