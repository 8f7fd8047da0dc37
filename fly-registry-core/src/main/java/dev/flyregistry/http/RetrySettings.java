package dev.flyregistry.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the SDK retries transient failures: network errors and the HTTP statuses in {@link
 * #retryableStatuses()} (by default 408, 429, 500, 502, 503 and 504). Pauses grow exponentially
 * from {@link #initialBackoff()} by {@link #multiplier()} up to {@link #maxBackoff()}, randomised
 * by {@link #jitter()}; a {@code Retry-After} header (seconds or an HTTP date) replaces the
 * computed pause, capped at {@link #maxRetryAfter()}. Statuses 400, 401, 403 and 404 are never
 * retried as transient: a set holding one of them is refused with an {@link
 * IllegalArgumentException}.
 *
 * <p>An unknown host or a failed TLS handshake is never retried. Independently of these settings,
 * even with {@link #none()}, the HTTP client (OkHttp) sends a {@code GET} or {@code HEAD} once more
 * when its connection drops before an answer; that repeat is not counted in {@link #maxAttempts()}.
 *
 * <p>Instances are immutable; the {@code with*} methods return modified copies.
 *
 * @param maxAttempts total attempts including the first, at least 1 (1 disables the retries these
 *     settings govern)
 * @param initialBackoff the pause before the first retry, at least 1 ms
 * @param maxBackoff the longest computed pause, at least 1 ms
 * @param multiplier growth factor between pauses, at least 1
 * @param jitter randomisation factor in [0, 1): a pause {@code p} becomes a value in {@code
 *     [p(1-j), p(1+j)]}
 * @param maxRetryAfter the longest pause a server's {@code Retry-After} may impose
 * @param retryableStatuses HTTP statuses treated as transient
 */
public record RetrySettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    Duration maxRetryAfter,
    Set<Integer> retryableStatuses) {

  private static final Set<Integer> NEVER_RETRIED = Set.of(400, 401, 403, 404);

  /**
   * Validates and copies the components.
   *
   * @param maxAttempts total attempts including the first, at least 1 (1 disables the retries these
   *     settings govern)
   * @param initialBackoff the pause before the first retry, at least 1 ms
   * @param maxBackoff the longest computed pause, at least 1 ms
   * @param multiplier growth factor between pauses, at least 1
   * @param jitter randomisation factor in [0, 1): a pause {@code p} becomes a value in {@code
   *     [p(1-j), p(1+j)]}
   * @param maxRetryAfter the longest pause a server's {@code Retry-After} may impose
   * @param retryableStatuses HTTP statuses treated as transient
   */
  public RetrySettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    requireMillis(initialBackoff, "initialBackoff");
    requireMillis(maxBackoff, "maxBackoff");
    requirePositive(maxRetryAfter, "maxRetryAfter");
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "multiplier must be a finite number >= 1, was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
    }
    Objects.requireNonNull(retryableStatuses, "retryableStatuses");
    for (Integer status : retryableStatuses) {
      if (status == null || status < 100 || status > 599) {
        throw new IllegalArgumentException("not an HTTP status: " + status);
      }
      if (NEVER_RETRIED.contains(status)) {
        throw new IllegalArgumentException("status " + status + " is never retried as transient");
      }
    }
    retryableStatuses = Set.copyOf(new TreeSet<>(retryableStatuses));
  }

  /** A backoff: a whole number of milliseconds is paused, at least one, and it must fit a long. */
  private static void requireMillis(Duration d, String name) {
    requirePositive(d, name);
    if (d.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d);
    }
    if (d.compareTo(Duration.ofMillis(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(name + " is too large, was " + d);
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /**
   * The defaults: 4 attempts, 200 ms doubling to at most 10 s with 50% jitter, {@code Retry-After}
   * capped at 60 s, statuses 408, 429, 500, 502, 503, 504.
   *
   * @return the default settings
   */
  public static RetrySettings defaults() {
    return new RetrySettings(
        4,
        Duration.ofMillis(200),
        Duration.ofSeconds(10),
        2.0,
        0.5,
        Duration.ofSeconds(60),
        Set.of(408, 429, 500, 502, 503, 504));
  }

  /**
   * Settings that never retry.
   *
   * @return settings with a single attempt
   */
  public static RetrySettings none() {
    return defaults().withMaxAttempts(1);
  }

  /**
   * @param value total attempts including the first
   * @return a copy with {@code maxAttempts} replaced
   */
  public RetrySettings withMaxAttempts(int value) {
    return new RetrySettings(
        value, initialBackoff, maxBackoff, multiplier, jitter, maxRetryAfter, retryableStatuses);
  }

  /**
   * @param initial the pause before the first retry
   * @param max the longest computed pause
   * @return a copy with the backoff bounds replaced
   */
  public RetrySettings withBackoff(Duration initial, Duration max) {
    return new RetrySettings(
        maxAttempts, initial, max, multiplier, jitter, maxRetryAfter, retryableStatuses);
  }

  /**
   * @param value growth factor between pauses
   * @return a copy with {@code multiplier} replaced
   */
  public RetrySettings withMultiplier(double value) {
    return new RetrySettings(
        maxAttempts, initialBackoff, maxBackoff, value, jitter, maxRetryAfter, retryableStatuses);
  }

  /**
   * @param value randomisation factor in [0, 1)
   * @return a copy with {@code jitter} replaced
   */
  public RetrySettings withJitter(double value) {
    return new RetrySettings(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        multiplier,
        value,
        maxRetryAfter,
        retryableStatuses);
  }

  /**
   * @param value the longest pause a {@code Retry-After} header may impose
   * @return a copy with {@code maxRetryAfter} replaced
   */
  public RetrySettings withMaxRetryAfter(Duration value) {
    return new RetrySettings(
        maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, value, retryableStatuses);
  }

  /**
   * @param value HTTP statuses treated as transient
   * @return a copy with {@code retryableStatuses} replaced
   */
  public RetrySettings withRetryableStatuses(Set<Integer> value) {
    return new RetrySettings(
        maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, maxRetryAfter, value);
  }

  /**
   * @param status an HTTP status code
   * @return whether a response with this status is retried
   */
  public boolean isRetryable(int status) {
    return retryableStatuses.contains(status);
  }
}
