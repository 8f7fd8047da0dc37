package dev.flyregistry.registry;

import dev.flyregistry.FlyException;
import java.util.List;

/**
 * An image source could not be read: the path does not exist, it is not an OCI layout or {@code
 * docker save} archive, a blob is missing or has the wrong size, or the requested image is not
 * there. When the failure is about choosing an image, {@link #availableNames()} lists the names the
 * source does hold.
 */
public class ImageSourceException extends FlyException {
  private static final long serialVersionUID = 1L;

  /** The image names the source holds, when choosing one failed; else empty. */
  private final List<String> availableNames;

  /**
   * @param message what is wrong and where
   * @param cause the underlying failure, may be null
   */
  public ImageSourceException(String message, Throwable cause) {
    this(message, List.of(), cause);
  }

  /**
   * @param message what is wrong and where
   * @param availableNames the image names the source holds, when choosing an image failed
   * @param cause the underlying failure, may be null
   */
  public ImageSourceException(String message, List<String> availableNames, Throwable cause) {
    super(message, cause);
    this.availableNames = List.copyOf(availableNames);
  }

  /**
   * @return the image names the source holds, when the failure is about choosing one; else empty
   */
  public List<String> availableNames() {
    return availableNames;
  }
}
