package dev.flyregistry.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** An HTTP server on 127.0.0.1 and an ephemeral port serving one {@link Api}. */
public final class Server implements AutoCloseable {
  /** The JDK HTTP server's switch for {@code TCP_NODELAY} on the connections it accepts. */
  public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  static {
    // Without it, an answer written in two parts (headers, then body) waits for the client's
    // delayed acknowledgement: about 40 ms per request on Linux. The JDK reads it once, when the
    // first HTTP server of the JVM starts; a value the application set is kept.
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
  }

  private final HttpServer http;
  private final Api api;
  private final Metrics metrics;
  private final FaultEngine faults;

  /**
   * Starts the server.
   *
   * @param api what it serves
   * @param metrics where requests are counted
   * @param faults armed faults
   * @param executor the request threads
   */
  public Server(Api api, Metrics metrics, FaultEngine faults, ExecutorService executor) {
    this.api = api;
    this.metrics = metrics;
    this.faults = faults;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the emulator", e);
    }
    http.setExecutor(executor);
    http.createContext("/", this::serve);
    http.start();
  }

  /**
   * @return the port
   */
  public int port() {
    return http.getAddress().getPort();
  }

  /**
   * @return {@code 127.0.0.1:port}
   */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  private void serve(HttpExchange exchange) {
    Call call = new Call(exchange, metrics);
    try {
      String route = api.route(call);
      metrics.request(call.method(), route, call.path());
      var fault = faults.match(call.method(), call.path());
      if (fault.isPresent()) {
        FaultEngine.Action a = fault.get();
        if (a instanceof FaultEngine.Drop) {
          call.drop();
          return;
        }
        if (a instanceof FaultEngine.Respond r) {
          call.body();
          for (Map.Entry<String, String> h : r.headers()) {
            call.setHeader(h.getKey(), h.getValue());
          }
          call.respond(r.status(), r.contentType(), r.body());
          return;
        }
        if (a instanceof FaultEngine.Delay d) {
          try {
            Thread.sleep(d.duration().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.drop();
            return;
          }
        }
      }
      api.handle(call);
    } catch (IOException e) {
      call.drop();
    } catch (RuntimeException e) {
      metrics.internalError(call.method() + " " + call.path(), e);
      if (!call.answered()) {
        try {
          call.respond(
              500,
              "text/plain; charset=utf-8",
              ("emulator error: " + e).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException ignored) {
          call.drop();
        }
      }
    } finally {
      if (!call.answered()) {
        call.drop();
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
