package dev.flyregistry.auth;

import dev.flyregistry.FlyException;

/**
 * Authentication failed or no usable credentials were found. Messages say which credential source
 * was used, never the secret itself.
 */
public class AuthException extends FlyException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, free of secrets
   */
  public AuthException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, free of secrets
   * @param cause the underlying failure
   */
  public AuthException(String message, Throwable cause) {
    super(message, cause);
  }
}
