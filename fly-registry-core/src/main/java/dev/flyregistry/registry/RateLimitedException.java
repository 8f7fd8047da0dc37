package dev.flyregistry.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The registry (or its token service) answered 429 ({@code TOOMANYREQUESTS}) and that answer is
 * final. The message says what was tried: a read is repeated until its attempts run out, while a
 * change (an upload's {@code PATCH} or {@code PUT}) is not repeated once sent, so one 429 ends it
 * (a blob upload may still have been tried again in fresh sessions, which the message then counts).
 */
public class RateLimitedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** The pause the last {@code Retry-After} asked for, or null. */
  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and where
   * @param retryAfter the pause the last response asked for, may be null
   * @param status the HTTP status
   * @param errors the registry's error entries, possibly empty
   * @param registry the registry host
   * @param repository the repository, may be null
   */
  public RateLimitedException(
      String message,
      Duration retryAfter,
      int status,
      List<RegistryError> errors,
      String registry,
      String repository) {
    super(message, status, errors, registry, repository, null);
    this.retryAfter = retryAfter;
  }

  /**
   * @return the pause the registry's last {@code Retry-After} asked for, if it sent one
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
