package dev.flyregistry.registry;

import dev.flyregistry.FlyException;
import java.util.List;
import java.util.Optional;

/**
 * A registry operation failed. Carries the HTTP status (0 when no response was received), the
 * errors the registry reported, and the registry and repository concerned. Subclasses name the
 * failures callers commonly branch on.
 */
public class RegistryException extends FlyException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final List<RegistryError> errors;
  private final String registry;
  private final String repository;

  /**
   * @param message what went wrong, free of secrets
   * @param status the HTTP status, 0 when no response was received
   * @param errors the errors the registry reported, possibly empty
   * @param registry the registry host, may be null
   * @param repository the repository, may be null
   * @param cause the underlying failure, may be null
   */
  public RegistryException(
      String message,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository,
      Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errors = List.copyOf(errors);
    this.registry = registry;
    this.repository = repository;
  }

  /**
   * @return the HTTP status, 0 when no response was received
   */
  public int status() {
    return status;
  }

  /**
   * @return the errors the registry reported, possibly empty
   */
  public List<RegistryError> errors() {
    return errors;
  }

  /**
   * @return the registry host, when known
   */
  public Optional<String> registry() {
    return Optional.ofNullable(registry);
  }

  /**
   * @return the repository, when known
   */
  public Optional<String> repository() {
    return Optional.ofNullable(repository);
  }

  /**
   * @param code an error code
   * @return whether the registry reported that code
   */
  public boolean hasCode(RegistryErrorCode code) {
    return errors.stream().anyMatch(e -> e.code() == code);
  }
}
