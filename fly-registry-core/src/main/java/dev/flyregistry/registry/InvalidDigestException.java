package dev.flyregistry.registry;

/** A string is not a valid content digest; the message says what is wrong. */
public class InvalidDigestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and where
   */
  public InvalidDigestException(String message) {
    super(message);
  }
}
