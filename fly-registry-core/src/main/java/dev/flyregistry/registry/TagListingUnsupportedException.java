package dev.flyregistry.registry;

import java.util.List;

/**
 * The registry does not offer tag listing for the repository (404 {@code NAME_UNKNOWN}, {@code
 * UNSUPPORTED}, 405, 501...). Registries such as {@code registry.fly.io} document no listing API;
 * list the images of past releases instead.
 */
public class TagListingUnsupportedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and where, free of secrets
   * @param status the HTTP status, 0 when there was no response
   * @param errors the registry's error entries, possibly empty
   * @param registry the registry host, may be null
   * @param repository the repository, may be null
   * @param cause the underlying failure, may be null
   */
  public TagListingUnsupportedException(
      String message,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository,
      Throwable cause) {
    super(message, status, errors, registry, repository, cause);
  }
}
