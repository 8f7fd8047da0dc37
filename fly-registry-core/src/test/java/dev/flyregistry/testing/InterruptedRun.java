package dev.flyregistry.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Work run on a thread of its own so that a test can interrupt it: {@link #start} it, wait until it
 * is where the test wants it ({@link #await}, {@link #awaitParked}), then {@link #interruptAndJoin}
 * and check the {@link Outcome}: what the work returned or threw, and whether the thread's
 * interrupt flag was still set when it ended.
 */
public final class InterruptedRun {
  /** How long a test waits for a state or for the work to end before it fails. */
  public static final Duration PATIENCE = Duration.ofSeconds(20);

  /**
   * How the work ended.
   *
   * @param result what it returned (null when it threw)
   * @param failure what it threw, or null
   * @param stillInterrupted whether the thread's interrupt flag was set when the work ended
   */
  public record Outcome(Object result, Throwable failure, boolean stillInterrupted) {}

  private final Thread thread;
  private volatile Outcome outcome;

  private InterruptedRun(Callable<?> work) {
    this.thread =
        new Thread(
            () -> {
              Object result = null;
              Throwable failure = null;
              try {
                result = work.call();
              } catch (Throwable e) {
                failure = e;
              }
              outcome = new Outcome(result, failure, Thread.currentThread().isInterrupted());
            },
            "interrupted-run");
  }

  /** Starts {@code work} on a new thread. */
  public static InterruptedRun start(Callable<?> work) {
    InterruptedRun run = new InterruptedRun(work);
    run.thread.start();
    return run;
  }

  /** Waits until {@code condition} holds, failing the test after {@link #PATIENCE}. */
  public static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Waits until the work's thread is parked (waiting on another thread's result, say). */
  public InterruptedRun awaitParked(String what) throws InterruptedException {
    await(() -> thread.getState() == Thread.State.WAITING, what);
    return this;
  }

  /**
   * Interrupts the work's thread and waits for the work to end; fails the test if it does not end
   * within {@link #PATIENCE}.
   */
  public Outcome interruptAndJoin() throws InterruptedException {
    thread.interrupt();
    return join();
  }

  /** Waits for the work to end; fails the test if it does not within {@link #PATIENCE}. */
  public Outcome join() throws InterruptedException {
    thread.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE.toNanos()));
    if (thread.isAlive()) {
      throw new AssertionError(
          "the work did not end within " + PATIENCE.toSeconds() + " s of the interrupt");
    }
    return outcome;
  }

  /** Whether the work's thread has ended. */
  public boolean ended() {
    return !thread.isAlive();
  }
}
