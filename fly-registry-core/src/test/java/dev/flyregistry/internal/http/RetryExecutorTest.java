package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.testing.InterruptedRun;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryExecutorTest {
  private final MockWebServer server = new MockWebServer();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private OkHttpClient client;
  private HttpSettings settings;

  @BeforeEach
  void start() throws IOException {
    server.start();
    settings =
        HttpSettings.defaults()
            .withSleeper(sleeps::add)
            .withClock(Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC))
            .withRetry(RetrySettings.defaults().withJitter(0.0));
    client = HttpClients.create(settings);
  }

  @AfterEach
  void stop() {
    server.close();
    HttpClients.shutdown(client, settings);
  }

  private Request get() {
    return new Request.Builder().url(server.url("/x")).build();
  }

  private String run(RetryExecutor.Mode mode) throws IOException {
    RetryExecutor ex = new RetryExecutor(client, settings);
    return ex.execute(this::get, mode, r -> r.code() + ":" + r.body().string());
  }

  /** POSTs a small JSON body in {@code mode}; the final status. */
  private String postStatus(RetryExecutor ex, RetryExecutor.Mode mode) throws IOException {
    return ex.execute(
        () ->
            new Request.Builder()
                .url(server.url("/m"))
                .post(RequestBody.create("{}", MediaType.get("application/json")))
                .build(),
        mode,
        r -> String.valueOf(r.code()));
  }

  @Test
  void retries503TwiceThenSucceedsWithExponentialBackoff() throws IOException {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    assertThat(run(RetryExecutor.Mode.IDEMPOTENT)).isEqualTo("200:ok");
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void retryAfterSecondsWinsOverBackoff() throws IOException {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build());
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    assertThat(run(RetryExecutor.Mode.IDEMPOTENT)).isEqualTo("200:ok");
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterHttpDateIsMeasuredAgainstTheClockAndCapped() throws IOException {
    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .addHeader("Retry-After", "Fri, 27 Nov 2026 10:00:30 GMT")
            .build());
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "86400").build());
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    assertThat(run(RetryExecutor.Mode.IDEMPOTENT)).isEqualTo("200:ok");
    assertThat(sleeps).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  @Test
  void givesTheLastRetryableResponseToTheHandlerWhenAttemptsRunOut() throws IOException {
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().code(502).body("bad gateway " + i).build());
    }
    assertThat(run(RetryExecutor.Mode.IDEMPOTENT)).isEqualTo("502:bad gateway 3");
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void neverRetriesClientErrors() throws IOException {
    for (int code : new int[] {400, 401, 403, 404}) {
      server.enqueue(new MockResponse.Builder().code(code).build());
      assertThat(run(RetryExecutor.Mode.IDEMPOTENT)).startsWith(code + ":");
    }
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void retriesADisconnectInTheMiddleOfABody() throws IOException {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body("x".repeat(100_000))
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(new MockResponse.Builder().code(200).body("whole").build());
    assertThat(run(RetryExecutor.Mode.IDEMPOTENT)).isEqualTo("200:whole");
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void mutationsAreNotRetriedAfterTheRequestWasSent() throws IOException {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(200).build());
    RetryExecutor ex = new RetryExecutor(client, settings);
    String result = postStatus(ex, RetryExecutor.Mode.NOT_AFTER_SEND);
    assertThat(result).isEqualTo("503");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void okHttpDoesNotRepeatAMutationAnswered408OnItsOwn() throws IOException {
    // OkHttp re-sends a request answered 408 by itself when retryOnConnectionFailure is on (as on
    // the SDK's clients): the change may already have been applied, so that must not happen
    server.enqueue(new MockResponse.Builder().code(408).build());
    server.enqueue(new MockResponse.Builder().code(200).build());
    RetryExecutor ex = new RetryExecutor(client, settings);
    String result = postStatus(ex, RetryExecutor.Mode.NOT_AFTER_SEND);
    assertThat(result).isEqualTo("408");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(ex.client().retryOnConnectionFailure()).isTrue();
  }

  @Test
  void connectionRefusedIsRetriedThenRethrown() throws IOException {
    int port = server.getPort();
    server.close();
    RetryExecutor ex = new RetryExecutor(client, settings);
    assertThatThrownBy(
            () ->
                ex.execute(
                    () -> new Request.Builder().url("http://127.0.0.1:" + port + "/").build(),
                    RetryExecutor.Mode.NOT_AFTER_SEND,
                    r -> r.code()))
        .isInstanceOf(IOException.class);
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void interruptDuringBackoffStopsRetrying() {
    HttpSettings interrupting =
        settings.withSleeper(
            d -> {
              throw new InterruptedException("stop");
            });
    server.enqueue(new MockResponse.Builder().code(503).build());
    RetryExecutor ex = new RetryExecutor(client, interrupting);
    assertThatThrownBy(() -> ex.execute(this::get, RetryExecutor.Mode.IDEMPOTENT, r -> r.code()))
        .isInstanceOf(java.io.InterruptedIOException.class);
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void userAgentIsSent() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());
    run(RetryExecutor.Mode.IDEMPOTENT);
    assertThat(server.takeRequest().getHeaders().get("User-Agent"))
        .startsWith("fly-registry-java/");
  }

  @Test
  void anInterruptEndsAnExchangeBlockedOnTheNetworkWithoutRetryingIt() throws Exception {
    server.enqueue(
        new MockResponse.Builder().body("late").headersDelay(60, TimeUnit.SECONDS).build());
    server.enqueue(new MockResponse.Builder().body("retried").build());
    InterruptedRun run = InterruptedRun.start(() -> run(RetryExecutor.Mode.IDEMPOTENT));
    server.takeRequest();
    Thread.sleep(100); // blocked reading the answer
    InterruptedRun.Outcome outcome = run.interruptAndJoin();

    assertThat(outcome.failure())
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("interrupted");
    assertThat(outcome.stillInterrupted()).isTrue();
    assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void nothingIsSentFromAThreadAlreadyInterrupted() {
    server.enqueue(new MockResponse.Builder().body("ok").build());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> run(RetryExecutor.Mode.NOT_AFTER_SEND))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(server.getRequestCount()).isZero();
  }
}
