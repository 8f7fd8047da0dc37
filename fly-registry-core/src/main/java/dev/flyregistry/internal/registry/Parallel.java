package dev.flyregistry.internal.registry;

import dev.flyregistry.registry.RegistryException;
import dev.flyregistry.registry.RegistryIoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs one task per item, at most {@code concurrency} at a time, on daemon threads started for the
 * call: the bulk operations of the registry client (existence checks, blob transfers). Each thread
 * takes the next item until none is left, so a task costs no queue or future, and the calling
 * thread sleeps until all are done instead of waking for each result. Results keep the order of the
 * items; the first task to fail (in time, not in item order) stops the threads from taking more
 * items and interrupts the tasks still running, and its exception is rethrown as it was when it is
 * unchecked.
 */
public final class Parallel {
  private Parallel() {}

  /**
   * Applies {@code task} to every item.
   *
   * @param items the items (an empty list returns at once)
   * @param concurrency the most tasks at a time; 1 or less runs them on the calling thread
   * @param what the operation, for thread names ({@code fly-registry-<what>-N}) and messages
   * @param registryOf the registry of an item, for the exception of a checked failure (may return
   *     null)
   * @param task the work for one item
   * @return the results, in the order of {@code items}
   * @throws RegistryIoException when the calling thread is interrupted while it waits (its
   *     interrupt flag is set again; the tasks are interrupted)
   */
  public static <T, R> List<R> map(
      List<T> items,
      int concurrency,
      String what,
      Function<? super T, String> registryOf,
      Function<? super T, ? extends R> task) {
    int n = items.size();
    int threads = Math.min(concurrency, n);
    if (threads <= 1) {
      List<R> out = new ArrayList<>(n);
      for (T item : items) {
        out.add(task.apply(item));
      }
      return out;
    }
    Object[] results = new Object[n];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Failure> failure = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(threads);
    Thread[] workers = new Thread[threads];
    ThreadFactory factory = daemonThreads(what);
    Runnable work =
        () -> {
          try {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < n; ) {
              try {
                results[i] = task.apply(items.get(i));
              } catch (Throwable e) {
                if (failure.compareAndSet(null, new Failure(i, e))) {
                  interruptOthers(workers);
                }
                return;
              }
            }
          } finally {
            finished.countDown();
          }
        };
    for (int w = 0; w < threads; w++) {
      workers[w] = factory.newThread(work);
    }
    for (Thread t : workers) {
      t.start(); // after the array is full: every worker sees all of it
    }
    try {
      finished.await();
    } catch (InterruptedException e) {
      failure.compareAndSet(null, new Failure(-1, e));
      interruptOthers(workers);
      Thread.currentThread().interrupt();
      throw new RegistryIoException(what + " interrupted", 0, List.of(), null, null, e);
    }
    Failure f = failure.get();
    if (f != null) {
      Throwable cause = f.error();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new RegistryException(
          what + " failed: " + cause,
          0,
          List.of(),
          registryOf.apply(items.get(f.index())),
          null,
          cause);
    }
    List<R> out = new ArrayList<>(n);
    for (Object r : results) {
      @SuppressWarnings("unchecked")
      R value = (R) r;
      out.add(value);
    }
    return out;
  }

  /** The first task to fail: its item's index (-1: the caller was interrupted) and its error. */
  private record Failure(int index, Throwable error) {}

  /** Interrupts the workers other than the calling thread (their running tasks stop). */
  private static void interruptOthers(Thread[] workers) {
    for (Thread t : workers) {
      if (t != Thread.currentThread()) {
        t.interrupt();
      }
    }
  }

  private static ThreadFactory daemonThreads(String what) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "fly-registry-" + what + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
