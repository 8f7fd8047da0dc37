package dev.flyregistry.registry;

import java.util.List;

/**
 * An image's configuration blob cannot be used: larger than the limit, not JSON, or missing the
 * {@code os} and {@code architecture} every image configuration has. The message says which.
 */
public class ImageConfigException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong
   * @param registry the registry host, may be null
   * @param repository the repository, may be null
   * @param cause the underlying parse failure, may be null
   */
  public ImageConfigException(String message, String registry, String repository, Throwable cause) {
    super(message, 0, List.of(), registry, repository, cause);
  }
}
