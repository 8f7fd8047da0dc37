package dev.flyregistry.testing;

import dev.flyregistry.http.HttpSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the network-fault tests of the HTTP clients (registry, Machines, GraphQL) share: a {@link
 * MockWebServer} on 127.0.0.1, started before each test (before the subclass's own
 * {@code @BeforeEach}) and closed after it (after the subclass's own {@code @AfterEach}, which
 * closes the client); the pauses that retries asked for, recorded in {@link #sleeps} instead of
 * slept; and {@link #http}, settings with that sleeper, a 400 ms read timeout and a 2 s call
 * deadline.
 */
public abstract class FaultsTestBase {
  protected final MockWebServer server = new MockWebServer();
  protected final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  protected final HttpSettings http =
      HttpSettings.defaults()
          .withSleeper(sleeps::add)
          .withReadTimeout(Duration.ofMillis(400))
          .withCallTimeout(Duration.ofSeconds(2));

  @BeforeEach
  protected final void startServer() throws Exception {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  protected final void closeServer() {
    server.close();
  }

  /** Queues {@code times} copies of {@code response}. */
  protected final void enqueue(int times, MockResponse.Builder response) {
    for (int i = 0; i < times; i++) {
      server.enqueue(response.build());
    }
  }

  /**
   * @return a port of 127.0.0.1 that nothing listens on (it was free a moment ago), for connection
   *     refused
   */
  protected static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
