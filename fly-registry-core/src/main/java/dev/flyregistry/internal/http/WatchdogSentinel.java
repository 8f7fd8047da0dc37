package dev.flyregistry.internal.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import okio.AsyncTimeout;

/**
 * Keeps OkHttp's timeout watchdog from being woken up for every request.
 *
 * <p>OkHttp enforces call deadlines and read and write timeouts with Okio's {@link AsyncTimeout}:
 * each socket read and write, and each call, enters a JVM-wide queue ordered by deadline, watched
 * by one thread. When an entry becomes the earliest deadline in the queue, the watchdog thread is
 * signalled so that it can wait for the new deadline instead; entries behind the earliest are
 * inserted without waking anyone. A client that sends one small request at a time empties the queue
 * after every read, so each request woke the watchdog several times (in a bulk existence check,
 * about a fifth of the client's CPU per request).
 *
 * <p>This sentinel is an entry with a deadline shorter than any timeout of the clients that use it:
 * while requests flow it stays at the head of the queue, so their timeouts are queued behind it
 * without a wake-up, and they still fire on time (the watchdog wakes for the sentinel at most once
 * per period, re-arms it, then waits for the next earliest deadline). It re-arms only while calls
 * are being made: a whole period without any lets it lapse, and the watchdog idles out as usual. It
 * has no effect on what times out or when; only on how often a thread is woken to check.
 */
final class WatchdogSentinel extends AsyncTimeout {
  static final WatchdogSentinel INSTANCE = new WatchdogSentinel();

  private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Whether a call started since the sentinel last fired. */
  private volatile boolean used;

  /** The current period while armed, 0 when not armed. */
  private volatile long armedPeriodNanos;

  /**
   * Serializes this sentinel's own {@code enter}/{@code exit} calls (from callers arming it and
   * from the watchdog re-arming it); the watchdog side only ever tries it.
   */
  private final ReentrantLock lock = new ReentrantLock();

  private WatchdogSentinel() {}

  /**
   * The period to use for a client: half its shortest positive timeout, within [100 ms, 10 s]; so
   * that the sentinel's deadline stays ahead of every deadline the client's requests set.
   *
   * @param timeouts the client's call, read and write timeouts (zero: none)
   * @return the period in nanoseconds
   */
  static long periodFor(Duration... timeouts) {
    long shortest = MAX_PERIOD_NANOS * 2;
    for (Duration d : timeouts) {
      if (!d.isZero() && !d.isNegative()) {
        shortest = Math.min(shortest, saturatedNanos(d));
      }
    }
    return Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_NANOS, shortest / 2));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Marks a call as started and arms the sentinel when it is not armed or armed with a longer
   * period. Cheap when it is armed: two volatile reads (and a write once per period). Never throws:
   * the sentinel only saves wake-ups, so a failure to arm it must not fail a request.
   *
   * @param periodNanos the period the calling client needs ({@link #periodFor})
   */
  void touch(long periodNanos) {
    if (!used) {
      used = true;
    }
    long armed = armedPeriodNanos;
    if (armed == 0 || armed > periodNanos) {
      lock.lock();
      try {
        armed = armedPeriodNanos;
        if (armed == 0 || armed > periodNanos) {
          reenter(periodNanos);
        }
      } catch (RuntimeException e) {
        armedPeriodNanos = 0; // try again on the next call
      } finally {
        lock.unlock();
      }
    }
  }

  /** Leaves the queue (if in it) and enters it again with a period; holding {@link #lock}. */
  private void reenter(long periodNanos) {
    exit();
    timeout(periodNanos, TimeUnit.NANOSECONDS);
    armedPeriodNanos = periodNanos;
    enter();
  }

  /**
   * Runs on the watchdog thread when the period has passed: re-arms while calls are made, lapses
   * otherwise. It never blocks (a caller re-arming at this moment does the job instead) and never
   * throws (an exception would end Okio's watchdog thread, and with it every timeout in the JVM).
   */
  @Override
  protected void timedOut() {
    if (!lock.tryLock()) {
      armedPeriodNanos = 0; // the caller holding the lock re-arms, or the next call does
      return;
    }
    try {
      exit();
      if (used) {
        used = false;
        enter(); // same period
      } else {
        armedPeriodNanos = 0;
      }
    } catch (RuntimeException e) {
      armedPeriodNanos = 0;
    } finally {
      lock.unlock();
    }
  }

  /** Disarms the sentinel now (for tests, which need a known starting point). */
  void reset() {
    lock.lock();
    try {
      exit();
      used = false;
      armedPeriodNanos = 0;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the sentinel is armed (for tests). */
  boolean armed() {
    return armedPeriodNanos != 0;
  }

  /** The armed period in nanoseconds, 0 when not armed (for tests). */
  long armedPeriodNanos() {
    return armedPeriodNanos;
  }
}
