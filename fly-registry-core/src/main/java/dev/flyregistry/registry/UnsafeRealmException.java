package dev.flyregistry.registry;

import java.util.List;

/**
 * The registry's {@code Bearer} challenge names a token service the SDK refuses to send credentials
 * to: a loopback, private or link-local address of another host than the registry, or plain HTTP to
 * a host that is neither loopback nor marked insecure.
 */
public class UnsafeRealmException extends RegistryAuthenticationException {
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
  public UnsafeRealmException(
      String message,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository,
      Throwable cause) {
    super(message, status, errors, registry, repository, cause);
  }
}
