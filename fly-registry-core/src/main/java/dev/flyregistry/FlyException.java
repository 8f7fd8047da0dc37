package dev.flyregistry;

/**
 * Root of every exception the SDK throws. All SDK exceptions are unchecked; each API family
 * (registry, authentication, GraphQL, Machines API) has its own subtype carrying the details
 * callers act on.
 *
 * <p>Messages never contain tokens, passwords or other secrets.
 */
public class FlyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, free of secrets
   */
  public FlyException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, free of secrets
   * @param cause the underlying failure
   */
  public FlyException(String message, Throwable cause) {
    super(message, cause);
  }
}
