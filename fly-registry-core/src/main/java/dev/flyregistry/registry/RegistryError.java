package dev.flyregistry.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a registry's {@code {"errors":[{"code","message","detail"}]}} body.
 *
 * @param code the known code, or {@link RegistryErrorCode#UNKNOWN}
 * @param rawCode the code exactly as sent (empty when none was sent)
 * @param message the registry's message (empty when none was sent)
 * @param detailJson the {@code detail} member as JSON text, when present
 */
public record RegistryError(
    RegistryErrorCode code, String rawCode, String message, Optional<String> detailJson) {

  /**
   * Validates the components.
   *
   * @param code the known code, or {@link RegistryErrorCode#UNKNOWN}
   * @param rawCode the code exactly as sent (empty when none was sent)
   * @param message the registry's message (empty when none was sent)
   * @param detailJson the {@code detail} member as JSON text, when present
   */
  public RegistryError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(rawCode, "rawCode");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(detailJson, "detailJson");
  }

  /**
   * @return {@code CODE: message}
   */
  @Override
  public String toString() {
    String c = rawCode.isEmpty() ? code.name() : rawCode;
    return message.isEmpty() ? c : c + ": " + message;
  }
}
