package dev.flyregistry.testkit;

import dev.flyregistry.testkit.internal.Metrics;
import java.util.List;
import java.util.Map;

/**
 * What the emulator saw: requests counted by method and route pattern, and the bytes received in
 * blob uploads (so a test can prove that a cross-app copy moved no layer bytes). Route patterns are
 * {@code /v2/}, {@code /v2/{name}/manifests/{reference}}, {@code /v2/{name}/blobs/{digest}}, {@code
 * /v2/{name}/blobs/uploads/}, {@code /v2/{name}/blobs/uploads/{uuid}}, {@code
 * /v2/{name}/tags/list}, {@code /v1/apps}, {@code /v1/apps/{app}}, {@code /v1/apps/{app}/machines},
 * {@code /v1/apps/{app}/machines/{id}}, {@code /v1/apps/{app}/machines/{id}/lease} (and {@code
 * /wait}, {@code /start}, {@code /stop}), {@code /graphql}, {@code /api/v1/releases}, {@code
 * /api/v1/releases/{id}}; anything else is {@code other}. Thread-safe.
 */
public final class EmulatorMetrics {
  private final Metrics metrics;

  EmulatorMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  /**
   * @return request counts keyed {@code "METHOD pattern"}, such as {@code "HEAD
   *     /v2/{name}/manifests/{reference}"}, sorted
   */
  public Map<String, Long> requests() {
    return metrics.requests();
  }

  /**
   * @param method the method, upper case
   * @param pattern the route pattern
   * @return how many such requests arrived (faulted ones included)
   */
  public long requests(String method, String pattern) {
    return metrics.count(method, pattern);
  }

  /**
   * @return every request as {@code "METHOD path"}, in arrival order (the first 100 000)
   */
  public List<String> requestLog() {
    return metrics.log();
  }

  /**
   * @return body bytes received by blob upload endpoints (POST, PATCH and PUT of uploads)
   */
  public long blobBytesReceived() {
    return metrics.uploadBytes();
  }

  /**
   * @param repository a repository ({@code app-1})
   * @return body bytes received by blob upload endpoints of that repository
   */
  public long blobBytesReceived(String repository) {
    return metrics.uploadBytes(repository);
  }

  /**
   * Failures of the emulator itself (bugs, answered with status 500), for a test to assert that
   * there were none.
   *
   * @return {@code "METHOD path: exception"} entries, oldest first
   */
  public List<String> internalErrors() {
    return metrics.internalErrors();
  }

  /** Forgets every count. */
  public void reset() {
    metrics.reset();
  }
}
