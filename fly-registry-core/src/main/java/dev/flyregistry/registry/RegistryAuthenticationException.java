package dev.flyregistry.registry;

import java.util.List;

/**
 * The registry or its token service refused the credentials (HTTP 401), or authentication could not
 * proceed. The message says which credential source was used, never the secret.
 */
public class RegistryAuthenticationException extends RegistryException {
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
  public RegistryAuthenticationException(
      String message,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository,
      Throwable cause) {
    super(message, status, errors, registry, repository, cause);
  }

  /**
   * Creates the exception with advice for the calling code, as {@link
   * RegistryException#RegistryException(String, String, int, List, String, String, Throwable)}.
   *
   * @param problem what went wrong and where, free of secrets
   * @param advice what the code that built the client can do about it, free of secrets; null or
   *     blank for none
   * @param status the HTTP status, 0 when there was no response
   * @param errors the registry's error entries, possibly empty
   * @param registry the registry host, may be null
   * @param repository the repository, may be null
   * @param cause the underlying failure, may be null
   */
  public RegistryAuthenticationException(
      String problem,
      String advice,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository,
      Throwable cause) {
    super(problem, advice, status, errors, registry, repository, cause);
  }
}
