package dev.flyregistry.registry;

import dev.flyregistry.FlyException;
import java.util.List;
import java.util.Optional;

/**
 * A registry operation failed. Carries the HTTP status (0 when no response was received), the
 * errors the registry reported, and the registry and repository concerned. Subclasses name the
 * failures callers commonly branch on.
 *
 * <p>Some failures come with advice for the code that built the client, such as how to give a
 * client without credentials some. The message holds both, the problem then the advice; {@link
 * #problem()} and {@link #advice()} hold them apart, for callers that report the problem in their
 * own terms.
 */
public class RegistryException extends FlyException {
  private static final long serialVersionUID = 1L;

  /** Separates the problem from the advice in the message. */
  private static final String ADVICE_SEPARATOR = "; ";

  /** What went wrong, without the advice. */
  private final String problem;

  /** What the code that built the client can do about it, or null. */
  private final String advice;

  /** The HTTP status, 0 when no response was received. */
  private final int status;

  /** The errors the registry reported, possibly empty. */
  private final List<RegistryError> errors;

  /** The registry host, or null. */
  private final String registry;

  /** The repository, or null. */
  private final String repository;

  /**
   * Creates an exception without advice: {@link #problem()} is the message.
   *
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
    this(message, null, status, errors, registry, repository, cause);
  }

  /**
   * Creates an exception with advice for the calling code. The message is the problem, then {@code
   * "; "} and the advice when there is some.
   *
   * @param problem what went wrong, free of secrets
   * @param advice what the code that built the client can do about it, free of secrets; null or
   *     blank for none
   * @param status the HTTP status, 0 when no response was received
   * @param errors the errors the registry reported, possibly empty
   * @param registry the registry host, may be null
   * @param repository the repository, may be null
   * @param cause the underlying failure, may be null
   */
  public RegistryException(
      String problem,
      String advice,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository,
      Throwable cause) {
    super(withAdvice(problem, advice), cause);
    this.problem = problem;
    this.advice = advice == null || advice.isBlank() ? null : advice;
    this.status = status;
    this.errors = List.copyOf(errors);
    this.registry = registry;
    this.repository = repository;
  }

  private static String withAdvice(String problem, String advice) {
    return advice == null || advice.isBlank() ? problem : problem + ADVICE_SEPARATOR + advice;
  }

  /**
   * @return what went wrong: the message without the {@linkplain #advice() advice}, the whole
   *     message when there is none
   */
  public String problem() {
    return problem;
  }

  /**
   * @return advice for the code that built the client (how to give a client without credentials
   *     some, for instance), which the message ends with; empty when there is none
   */
  public Optional<String> advice() {
    return Optional.ofNullable(advice);
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
