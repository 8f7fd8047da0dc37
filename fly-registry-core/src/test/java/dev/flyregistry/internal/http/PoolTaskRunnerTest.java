package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.http.HttpSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection pools' quiet task runner: the pool's upkeep still runs (surplus idle connections
 * are closed), but not a thread wake-up per request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolTaskRunnerTest {
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String get(OkHttpClient client) throws IOException {
    try (Response r =
        client.newCall(new Request.Builder().url(server.url("/x")).build()).execute()) {
      return r.body().string();
    }
  }

  @Test
  void theQuietRunnerIsUsedOnlyWithTheOkHttpMinorVersionItIsWrittenFor() {
    assertThat(HttpClients.quietPoolFits("5.5.1")).isTrue();
    assertThat(HttpClients.quietPoolFits("5.5.0")).isTrue();
    assertThat(HttpClients.quietPoolFits("5.6.0")).isFalse();
    assertThat(HttpClients.quietPoolFits("5.50.0")).isFalse();
    assertThat(HttpClients.quietPoolFits("4.12.0")).isFalse();
    assertThat(HttpClients.quietPoolFits(null)).isFalse();
    // the OkHttp this build resolves is one it is written for: an upgrade fails here until
    // PoolTaskRunner has been checked against the new version's TaskRunner.Backend
    assertThat(HttpClients.okHttpVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(HttpClients.quietPoolFits(HttpClients.okHttpVersion()))
        .as("OkHttp %s on the class path", HttpClients.okHttpVersion())
        .isTrue();
  }

  @Test
  void theClientsPoolRunsOnTheQuietRunnerAndStillClosesSurplusIdleConnections() throws Exception {
    long waits = PoolTaskRunner.waits();
    ConnectionPool pool = HttpClients.pool(1);
    OkHttpClient client = new OkHttpClient.Builder().connectionPool(pool).build();
    // two calls at once: two connections, of which the pool keeps one idle
    for (String body : new String[] {"a", "b"}) {
      server.enqueue(
          new MockResponse.Builder().body(body).headersDelay(300, TimeUnit.MILLISECONDS).build());
    }
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> call(client));
    CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> call(client));
    assertThat(first.get() + second.get()).hasSize(2);

    // the upkeep runs within the runner's slice (1 s) at the latest
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.connectionCount() > 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(pool.connectionCount()).isEqualTo(1);
    // and it ran on the quiet runner, whose thread now waits for the next deadline
    assertThat(PoolTaskRunner.waits()).isGreaterThan(waits);
    pool.evictAll();
  }

  private String call(OkHttpClient client) {
    try {
      return get(client);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void requestsOneAtATimeDoNotWakeThePoolsThreadForEachRequest() throws Exception {
    OkHttpClient client = HttpClients.create(HttpSettings.defaults());
    try {
      for (int i = 0; i < 20; i++) {
        server.enqueue(new MockResponse.Builder().body("ok").build());
        get(client); // warm up: connection, runner thread
      }
      long waits = PoolTaskRunner.waits();
      long started = System.nanoTime();
      int requests = 100;
      for (int i = 0; i < requests; i++) {
        server.enqueue(new MockResponse.Builder().body("ok").build());
        assertThat(get(client)).isEqualTo("ok");
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      // OkHttp's own runner signals its thread each time a call releases its connection, and the
      // thread waits again after the upkeep: a wait per request. The quiet runner's thread waits
      // a slice (1 s) at a time, whatever the requests.
      assertThat(PoolTaskRunner.waits() - waits).isLessThanOrEqualTo(seconds + 2);
    } finally {
      HttpClients.shutdown(client, HttpSettings.defaults());
    }
  }
}
