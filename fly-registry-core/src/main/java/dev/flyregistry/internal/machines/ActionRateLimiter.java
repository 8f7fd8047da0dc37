package dev.flyregistry.internal.machines;

import dev.flyregistry.http.Sleeper;
import dev.flyregistry.machines.RateLimit;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One Resilience4j rate limiter per Machines API action. Permissions are reserved without blocking
 * and the wait goes through the injected {@link Sleeper}, so tests never wait.
 */
final class ActionRateLimiter {
  private final RateLimit limit;
  private final Sleeper sleeper;
  private final RateLimiterConfig config;
  private final ConcurrentMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  ActionRateLimiter(RateLimit limit, Sleeper sleeper) {
    this.limit = limit;
    this.sleeper = sleeper;
    this.config =
        limit.enabled()
            ? RateLimiterConfig.custom()
                .limitForPeriod(limit.burst())
                .limitRefreshPeriod(limit.interval().multipliedBy(limit.burst()))
                .timeoutDuration(Duration.ofHours(1))
                .build()
            : null;
  }

  /** Waits, if needed, until a request of {@code action} may go out. */
  void acquire(String action) throws InterruptedIOException {
    if (config == null) {
      return;
    }
    RateLimiter limiter = limiters.computeIfAbsent(action, a -> RateLimiter.of(a, config));
    long nanos = limiter.reservePermission();
    while (nanos < 0) {
      pause(limit.interval());
      nanos = limiter.reservePermission();
    }
    if (nanos > 0) {
      pause(Duration.ofNanos(nanos));
    }
  }

  private void pause(Duration d) throws InterruptedIOException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while rate limited");
      io.initCause(e);
      throw io;
    }
  }
}
