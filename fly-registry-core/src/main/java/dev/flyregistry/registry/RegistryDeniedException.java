package dev.flyregistry.registry;

import java.util.List;

/**
 * The registry understood the credentials but denies the operation (HTTP 403 or error code {@code
 * DENIED}). Final: never retried.
 */
public class RegistryDeniedException extends RegistryException {
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
  public RegistryDeniedException(
      String message,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository,
      Throwable cause) {
    super(message, status, errors, registry, repository, cause);
  }
}
