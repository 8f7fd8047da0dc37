package dev.flyregistry.internal.http;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Clean-up that must run on a thread that was interrupted. */
public final class Interrupts {
  private Interrupts() {}

  /**
   * Runs {@code step} with the current thread's interrupt flag cleared, and raises the flag again
   * after it if it was up. Calls made from an interrupted thread fail at once, so without this a
   * clean-up step (giving a lease back, closing an upload session, finishing a release record)
   * would never reach the server after an interrupt. An interrupt that arrives during the step
   * still cuts it short.
   */
  public static void setAside(Runnable step) {
    boolean interrupted = Thread.interrupted();
    try {
      step.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The failure a shared operation (one ping or token exchange for many callers) hands to the
   * callers that joined it when the thread running it was interrupted. They were not interrupted,
   * so they must not fail with "interrupted": they run the operation again themselves.
   */
  public static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param cause the interrupted thread's own failure
     */
    public Abandoned(Throwable cause) {
      super("the thread running the shared operation was interrupted", cause, false, false);
    }
  }

  /**
   * What a shared operation's failure becomes for the callers that joined it: {@link Abandoned}
   * when the thread that ran it is interrupted, else the failure itself.
   */
  public static Throwable forJoiners(Throwable failure) {
    return Thread.currentThread().isInterrupted() ? new Abandoned(failure) : failure;
  }

  /**
   * Waits for a shared operation that another caller runs, as {@link CompletableFuture#join()} does
   * (a failure comes as a {@link CompletionException} around it), except that an interrupt of the
   * waiting thread ends the wait at once: {@code join} ignores it, so a joiner would wait for the
   * leader's whole ping or exchange, timeouts and retries included.
   *
   * @throws InterruptedIOException when the thread is interrupted while waiting (its flag is set)
   */
  public static <T> T await(CompletableFuture<T> shared) throws InterruptedIOException {
    try {
      return shared.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted");
      io.initCause(e);
      throw io;
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    }
  }
}
