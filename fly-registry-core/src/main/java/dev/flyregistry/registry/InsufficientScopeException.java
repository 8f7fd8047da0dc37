package dev.flyregistry.registry;

import java.util.List;

/**
 * The registry's token does not grant a scope the operation needs ({@code
 * error="insufficient_scope"}), even after a fresh token exchange: the credentials lack that
 * permission (a pull-only user pushing, say).
 */
public class InsufficientScopeException extends RegistryDeniedException {
  private static final long serialVersionUID = 1L;

  /** The scope the token lacked, "" when unknown. */
  private final String missingScope;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and where, free of secrets
   * @param missingScope the scope that was missing ({@code repository:my-app:push}), or "" when the
   *     registry did not say
   * @param status the HTTP status
   * @param errors the registry's error entries, possibly empty
   * @param registry the registry host
   * @param repository the repository, may be null
   */
  public InsufficientScopeException(
      String message,
      String missingScope,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository) {
    super(message, status, errors, registry, repository, null);
    this.missingScope = missingScope == null ? "" : missingScope;
  }

  /**
   * @return the scope the registry asked for and the token lacked, "" when unknown
   */
  public String missingScope() {
    return missingScope;
  }
}
