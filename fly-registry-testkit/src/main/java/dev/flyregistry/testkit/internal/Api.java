package dev.flyregistry.testkit.internal;

import java.io.IOException;

/** One emulated API surface behind one HTTP server. */
public interface Api {
  /**
   * @param call the request
   * @return the route pattern the request falls under, for metrics (such as {@code
   *     /v2/{name}/manifests/{reference}})
   */
  String route(Call call);

  /**
   * Answers the request.
   *
   * @param call the request
   * @throws IOException when the connection fails
   */
  void handle(Call call) throws IOException;
}
