package dev.flyregistry.registry;

import java.util.List;

/** Bytes that should be a manifest are not a valid, supported one; the message says why. */
public class ManifestFormatException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong
   */
  public ManifestFormatException(String message) {
    super(message, 0, List.of(), null, null, null);
  }

  /**
   * @param message what is wrong
   * @param cause the underlying parse failure
   */
  public ManifestFormatException(String message, Throwable cause) {
    super(message, 0, List.of(), null, null, cause);
  }
}
