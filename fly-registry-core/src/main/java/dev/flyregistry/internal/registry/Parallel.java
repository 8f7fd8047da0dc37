package dev.flyregistry.internal.registry;

import dev.flyregistry.registry.RegistryException;
import dev.flyregistry.registry.RegistryIoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one task per item, at most {@code concurrency} at a time, on daemon threads of a pool made
 * for the call: the bulk operations of the registry client (existence checks, blob transfers).
 * Results keep the order of the items; the first task to fail (in time, not in item order) cancels
 * the tasks still queued or running and its exception is rethrown as it was when it is unchecked.
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
   *     interrupt flag is set again; the tasks are cancelled)
   */
  public static <T, R> List<R> map(
      List<T> items,
      int concurrency,
      String what,
      Function<? super T, String> registryOf,
      Function<? super T, ? extends R> task) {
    List<R> out = new ArrayList<>(items.size());
    int threads = Math.min(concurrency, items.size());
    if (threads <= 1) {
      for (T item : items) {
        out.add(task.apply(item));
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads(what));
    try {
      CompletionService<Done<R>> done = new ExecutorCompletionService<>(pool);
      List<Future<Done<R>>> futures = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        int index = i;
        T item = items.get(i);
        futures.add(done.submit(() -> new Done<>(index, task.apply(item))));
      }
      Object[] results = new Object[items.size()];
      for (int remaining = items.size(); remaining > 0; remaining--) {
        Future<Done<R>> next;
        try {
          next = done.take();
        } catch (InterruptedException e) {
          futures.forEach(f -> f.cancel(true));
          Thread.currentThread().interrupt();
          throw new RegistryIoException(what + " interrupted", 0, List.of(), null, null, e);
        }
        try {
          Done<R> d = next.get();
          results[d.index()] = d.value();
        } catch (ExecutionException e) {
          futures.forEach(f -> f.cancel(true));
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          int index = futures.indexOf(next);
          throw new RegistryException(
              what + " failed: " + cause,
              0,
              List.of(),
              index < 0 ? null : registryOf.apply(items.get(index)),
              null,
              cause);
        } catch (InterruptedException e) {
          throw new AssertionError("a completed future does not wait", e);
        }
      }
      for (Object r : results) {
        @SuppressWarnings("unchecked")
        R value = (R) r;
        out.add(value);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A finished task: its item's index and its result. */
  private record Done<R>(int index, R value) {}

  private static ThreadFactory daemonThreads(String what) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "fly-registry-" + what + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
