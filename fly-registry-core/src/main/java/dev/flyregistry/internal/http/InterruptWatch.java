package dev.flyregistry.internal.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.Call;

/**
 * Makes blocking OkHttp calls answer {@link Thread#interrupt()}.
 *
 * <p>A thread blocked reading a socket does not notice its interrupt: it waits for the server or
 * its read timeout, which for a Machines API wait is a minute. While a call is {@linkplain #watch
 * watched}, one daemon thread looks at the calling threads every {@link #PERIOD_MILLIS} ms and
 * cancels the call of a thread that has been interrupted, so the blocked read fails at once. The
 * watcher runs only while calls are watched, and ends after {@link #LINGER_MILLIS} ms without any.
 *
 * <p>Watching costs a map insert and removal per call. Thread-safe.
 */
public final class InterruptWatch {
  /** How often the watcher looks at the watched threads. */
  static final long PERIOD_MILLIS = 20;

  /** How long the watcher stays without calls to watch before it ends. */
  static final long LINGER_MILLIS = 2_000;

  /** The watch of every client in this JVM: one thread at most, whatever the number of clients. */
  public static final InterruptWatch SHARED = new InterruptWatch("fly-registry-interrupt-watch");

  private final String threadName;
  private final Map<Call, Thread> calls = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private Thread watcher; // guarded by lock

  InterruptWatch(String threadName) {
    this.threadName = threadName;
  }

  /** Ends the watch of one call. */
  public interface Watched extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Watches {@code call}, made on the current thread, until the returned handle is closed: if the
   * thread is interrupted meanwhile, the call is cancelled.
   */
  public Watched watch(Call call) {
    Thread caller = Thread.currentThread();
    calls.put(call, caller);
    synchronized (lock) {
      if (watcher == null) {
        watcher = newWatcher();
        watcher.start();
      }
    }
    return () -> calls.remove(call, caller);
  }

  /**
   * The watcher thread, holding nothing of the thread that happens to start it. A thread created
   * the plain way takes its creator's context class loader, inheritable thread-locals and access
   * control context (whose protection domains name the classes on the creator's stack): for a
   * watcher shared by the whole JVM and kept running by any client's calls, those would pin, in an
   * application server, the class loader of the application that first made a call, after it is
   * undeployed. Its context class loader is this SDK's own.
   */
  @SuppressWarnings("removal") // AccessController: the only way to drop the inherited context
  private Thread newWatcher() {
    java.security.PrivilegedAction<Thread> create =
        () -> {
          Thread t = new Thread(null, this::run, threadName, 0, false);
          t.setDaemon(true);
          t.setContextClassLoader(InterruptWatch.class.getClassLoader());
          return t;
        };
    return java.security.AccessController.doPrivileged(create);
  }

  /** Whether the watcher thread is running (for tests). */
  boolean running() {
    synchronized (lock) {
      return watcher != null;
    }
  }

  private void run() {
    boolean idle = false;
    long idleSince = 0;
    while (true) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
      calls.forEach(
          (call, thread) -> {
            if (thread.isInterrupted() && !call.isCanceled()) {
              call.cancel();
            }
          });
      if (!calls.isEmpty()) {
        idle = false;
        continue;
      }
      long now = System.nanoTime();
      if (!idle) {
        idle = true;
        idleSince = now;
      } else if (now - idleSince >= TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS)) {
        synchronized (lock) {
          // a call registered after the check above finds this thread still set and relies on
          // it: look again under the lock
          if (calls.isEmpty()) {
            watcher = null;
            return;
          }
        }
        idle = false;
      }
    }
  }
}
