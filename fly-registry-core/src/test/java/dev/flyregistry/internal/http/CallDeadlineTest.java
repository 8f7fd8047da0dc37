package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The overall call deadline: it cuts a slow trickle that never trips the read timeout, applies to
 * each attempt, and spares requests tagged as blob transfers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallDeadlineTest {
  private final MockWebServer server = new MockWebServer();
  private HttpSettings settings;
  private OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    settings =
        HttpSettings.defaults()
            .withSleeper(d -> {})
            .withReadTimeout(Duration.ofSeconds(5))
            .withCallTimeout(Duration.ofMillis(700))
            .withRetry(RetrySettings.defaults().withMaxAttempts(2));
    client = HttpClients.create(settings);
  }

  @AfterEach
  void stop() {
    server.close();
    HttpClients.shutdown(client, settings);
  }

  private MockResponse trickle() {
    // 1,500 bytes at 100 bytes every 100 ms: ~1.5 s, no gap near the 5 s read timeout
    return new MockResponse.Builder()
        .code(200)
        .body("x".repeat(1500))
        .throttleBody(100, 100, TimeUnit.MILLISECONDS)
        .build();
  }

  private String run(Request.Builder request) throws IOException {
    return new RetryExecutor(client, settings)
        .execute(request::build, RetryExecutor.Mode.IDEMPOTENT, r -> r.body().string());
  }

  @Test
  void aTrickleLongerThanTheDeadlineIsCutOnEveryAttempt() {
    server.enqueue(trickle());
    server.enqueue(trickle());

    assertThatThrownBy(() -> run(new Request.Builder().url(server.url("/x"))))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("timeout");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aBlobTransferIsExemptFromTheDeadline() throws IOException {
    server.enqueue(trickle());

    String body =
        run(
            new Request.Builder()
                .url(server.url("/v2/app/blobs/sha256:abc"))
                .tag(RetryExecutor.Streaming.class, RetryExecutor.Streaming.BLOB));

    assertThat(body).hasSize(1500);
  }
}
