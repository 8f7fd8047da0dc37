package dev.flyregistry.http;

import java.time.Duration;

/**
 * Waits between retry attempts. The default blocks the calling thread; tests inject one that
 * records the requested pauses and returns at once.
 */
@FunctionalInterface
public interface Sleeper {
  /** The sleeper that blocks the calling thread with {@link Thread#sleep(long)}. */
  Sleeper SYSTEM =
      duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
          Thread.sleep(duration.toMillis());
        }
      };

  /**
   * Waits for the given duration.
   *
   * @param duration how long to wait; zero or negative returns at once
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
