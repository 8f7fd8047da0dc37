package dev.flyregistry.internal.http;

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
}
