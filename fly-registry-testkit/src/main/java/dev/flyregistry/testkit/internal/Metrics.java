package dev.flyregistry.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Request counters of one emulator: by method and path pattern, and blob upload bytes. */
public final class Metrics {
  private static final int LOG_LIMIT = 100_000;

  private final Map<String, LongAdder> byRoute = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> uploadBytesByRepo = new ConcurrentHashMap<>();
  private final AtomicLong uploadBytes = new AtomicLong();
  private final List<String> log = new ArrayList<>();
  private final List<String> internalErrors = new ArrayList<>();

  /**
   * Counts one request.
   *
   * @param method the method
   * @param pattern the route pattern (such as {@code /v2/{name}/manifests/{reference}})
   * @param path the concrete path
   */
  public void request(String method, String pattern, String path) {
    byRoute.computeIfAbsent(method + " " + pattern, k -> new LongAdder()).increment();
    synchronized (log) {
      if (log.size() < LOG_LIMIT) {
        log.add(method + " " + path);
      }
    }
  }

  /**
   * Counts bytes received in a blob upload.
   *
   * @param repository the repository uploaded to
   * @param n bytes
   */
  public void uploadBytes(String repository, long n) {
    uploadBytes.addAndGet(n);
    uploadBytesByRepo.computeIfAbsent(repository, k -> new LongAdder()).add(n);
  }

  /**
   * @return requests by {@code "METHOD pattern"}, sorted
   */
  public Map<String, Long> requests() {
    Map<String, Long> out = new TreeMap<>();
    byRoute.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * @param method the method
   * @param pattern the route pattern
   * @return how many such requests arrived
   */
  public long count(String method, String pattern) {
    LongAdder a = byRoute.get(method + " " + pattern);
    return a == null ? 0 : a.sum();
  }

  /**
   * @return every blob upload byte received
   */
  public long uploadBytes() {
    return uploadBytes.get();
  }

  /**
   * @param repository a repository
   * @return blob upload bytes received for it
   */
  public long uploadBytes(String repository) {
    LongAdder a = uploadBytesByRepo.get(repository);
    return a == null ? 0 : a.sum();
  }

  /**
   * @return {@code "METHOD path"} of each request, in arrival order (the first 100 000)
   */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /**
   * Records a bug of the emulator (an exception while answering).
   *
   * @param request {@code METHOD path}
   * @param error what was thrown
   */
  public void internalError(String request, Throwable error) {
    synchronized (internalErrors) {
      if (internalErrors.size() < 1000) {
        internalErrors.add(request + ": " + error);
      }
    }
  }

  /**
   * @return the emulator's own failures (answered with 500), oldest first
   */
  public List<String> internalErrors() {
    synchronized (internalErrors) {
      return List.copyOf(internalErrors);
    }
  }

  /** Forgets every count. */
  public void reset() {
    byRoute.clear();
    uploadBytesByRepo.clear();
    uploadBytes.set(0);
    synchronized (log) {
      log.clear();
    }
    synchronized (internalErrors) {
      internalErrors.clear();
    }
  }
}
