package dev.flyregistry.machines;

import java.time.Duration;
import java.util.Objects;

/**
 * The client-side rate limit applied to each Machines API action (an HTTP method and path template,
 * such as "update a machine"): at most {@code burst} requests at once, refilled at one request per
 * {@code interval}. The default, one request per second with bursts of 3, keeps under Fly's
 * published limits. Requests over the limit wait (through the HTTP settings' sleeper) instead of
 * failing.
 *
 * @param burst the most requests of one action sent without waiting, at least 1
 * @param interval the time that frees one more request of an action; zero disables the limit
 */
public record RateLimit(int burst, Duration interval) {

  /**
   * Validates the components.
   *
   * @param burst the most requests of one action sent without waiting, at least 1
   * @param interval the time that frees one more request of an action; zero disables the limit
   */
  public RateLimit {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, was " + interval);
    }
  }

  /**
   * One request per second per action, in bursts of at most 3.
   *
   * @return the default limit
   */
  public static RateLimit defaults() {
    return new RateLimit(3, Duration.ofSeconds(1));
  }

  /**
   * No client-side limit (the API's own limits still apply; its 429 answers are retried).
   *
   * @return a disabled limit
   */
  public static RateLimit none() {
    return new RateLimit(1, Duration.ZERO);
  }

  /**
   * @return whether requests are limited at all
   */
  public boolean enabled() {
    return !interval.isZero();
  }
}
