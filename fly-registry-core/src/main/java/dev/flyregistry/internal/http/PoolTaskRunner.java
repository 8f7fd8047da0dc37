package dev.flyregistry.internal.http;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.ConnectionListener;

/**
 * Connection pools whose upkeep does not wake a thread after every request.
 *
 * <p>An OkHttp connection pool evicts idle connections with a task on OkHttp's task runner. Each
 * time a call releases its connection, the pool schedules that task to run at once, and the task
 * runner signals its waiting thread; the task recomputes when the next connection may expire (the
 * keep-alive, minutes away) and the thread waits again. A client that sends one request at a time
 * thus woke a second thread for every request (in a profile of {@code existsAll} at concurrency 1,
 * about 7 context switches of that thread per request), on a core the registry could have used.
 *
 * <p>The pools made here share one task runner whose thread is not signalled when a task is
 * scheduled: it waits at most {@link #SLICE_NANOS} at a time and then runs what is due. Upkeep runs
 * up to that long after it was asked for, so an idle connection can outlive its keep-alive by as
 * much; nothing else changes (the pool's connections, limits and eviction rules are OkHttp's). The
 * task runner is part of OkHttp's internal API, and this class is written against the minor version
 * the BOM names: a version whose backend interface gained a method would load and then fail in the
 * pool's upkeep thread. {@link HttpClients} therefore uses it only with that minor version ({@link
 * HttpClients#QUIET_POOL_OKHTTP}), and falls back to a plain {@link ConnectionPool} with any other
 * or when the API is not there.
 */
final class PoolTaskRunner implements TaskRunner.Backend {
  /** The longest the runner's thread waits before it looks for due tasks again. */
  static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How many times a thread of the shared runner began to wait (for tests). */
  private static final AtomicLong WAITS = new AtomicLong();

  /**
   * The runner every pool made here shares, made when the first pool is (this class is loaded by
   * that call); it logs to OkHttp's own task logger.
   */
  private static final TaskRunner SHARED =
      new TaskRunner(
          new PoolTaskRunner(), java.util.logging.Logger.getLogger(TaskRunner.class.getName()));

  private final ThreadPoolExecutor threads;

  private PoolTaskRunner() {
    AtomicInteger count = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "fly-registry connection pool " + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A connection pool of at most {@code maxIdle} idle connections kept for {@code
   * keepAliveMinutes}, on the shared quiet task runner. Loading this class needs OkHttp's internal
   * task runner API: callers catch {@link LinkageError} and fall back to a plain pool (see {@link
   * HttpClients}).
   */
  static ConnectionPool pool(int maxIdle, long keepAliveMinutes) {
    return new ConnectionPool(
        maxIdle,
        keepAliveMinutes,
        TimeUnit.MINUTES,
        SHARED,
        ConnectionListener.Companion.getNONE());
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /** Not signalled: the waiting thread finds the task within {@link #SLICE_NANOS}. */
  @Override
  public void coordinatorNotify(TaskRunner taskRunner) {}

  @Override
  public void coordinatorWait(TaskRunner taskRunner, long nanos) {
    long wait = Math.min(nanos, SLICE_NANOS);
    if (wait <= 0) {
      return;
    }
    WAITS.incrementAndGet();
    try {
      // the caller holds the task runner's monitor, as OkHttp's own backend expects
      taskRunner.wait(wait / 1_000_000, (int) (wait % 1_000_000));
    } catch (InterruptedException e) {
      // OkHttp's own backend lets this through (the interface does not declare it, its Kotlin
      // implementation throws it anyway), and the task runner cancels its tasks on it
      throw PoolTaskRunner.<RuntimeException>sneaky(e);
    }
  }

  /** How many times a thread of the shared runner has begun to wait, since the JVM started. */
  static long waits() {
    return WAITS.get();
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable e) throws E {
    throw (E) e;
  }

  @Override
  public <T> BlockingQueue<T> decorate(BlockingQueue<T> queue) {
    return queue;
  }

  @Override
  public void execute(TaskRunner taskRunner, Runnable runnable) {
    threads.execute(runnable);
  }
}
