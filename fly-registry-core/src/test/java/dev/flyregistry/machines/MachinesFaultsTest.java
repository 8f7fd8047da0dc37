package dev.flyregistry.machines;

import static dev.flyregistry.testing.TextAssertions.assertOneCleanLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.testing.FaultsTestBase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Network faults against the Machines API client: reads end in success within the retry budget or a
 * {@link MachinesApiException}; mutations are never repeated once sent (except a 429, which was
 * refused, not applied). The {@code @Timeout} is a hang guard.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MachinesFaultsTest extends FaultsTestBase {
  private static final String APP = "{\"id\":\"a1\",\"name\":\"my-app\",\"status\":\"deployed\"}";

  private MachinesClient client;

  @BeforeEach
  void start() {
    client = client(http);
  }

  private MachinesClient client(HttpSettings settings) {
    return MachinesClient.builder()
        .token(FlyToken.parse("fo1_faults-token-value"))
        .endpoint(server.url("/v1").toString())
        .releasesEndpoint(server.url("/api/v1").toString())
        .http(settings)
        .rateLimit(RateLimit.none())
        .imageChecker(ImageChecker.NONE)
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  private static MockResponse.Builder app() {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(APP);
  }

  @Test
  void connectionRefusedIsAMachinesApiException() throws Exception {
    int port = closedPort();
    MachinesClient dead =
        MachinesClient.builder()
            .token(FlyToken.parse("fo1_faults-token-value"))
            .endpoint("http://127.0.0.1:" + port + "/v1")
            .http(http)
            .rateLimit(RateLimit.none())
            .build();
    try (dead) {
      Throwable t = catchThrowable(() -> dead.apps().get("my-app"));
      assertThat(t).isInstanceOf(MachinesApiException.class);
      assertThat(t.getMessage()).contains("GET").contains("127.0.0.1:" + port).contains("/apps/");
      assertThat(((MachinesApiException) t).httpStatus()).isZero();
      assertThat(sleeps).hasSize(RetrySettings.defaults().maxAttempts() - 1);
    }
  }

  @Test
  void resetsBeforeTheResponseAreRetriedForReads() {
    server.enqueue(app().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(app().build());

    assertThat(client.apps().get("my-app")).map(App::name).contains("my-app");
  }

  @Test
  void resetsMidBodyAndTruncatedBodiesAreRetriedForReads() {
    server.enqueue(app().onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(
        app()
            .setHeader("Content-Length", APP.length() + 50)
            .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(app().build());

    assertThat(client.apps().get("my-app")).isPresent();
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void endlessTruncationEndsInAMachinesApiException() {
    enqueue(
        10,
        app()
            .setHeader("Content-Length", APP.length() + 50)
            .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE));

    Throwable t = catchThrowable(() -> client.apps().get("my-app"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(t.getMessage()).contains("GET").contains("/v1/apps/my-app");
  }

  @Test
  void aMutationIsNotRepeatedAfterAResetOnceSent() {
    server.enqueue(
        new MockResponse.Builder()
            .code(201)
            .body(APP)
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(app().build());

    Throwable t = catchThrowable(() -> client.apps().create("my-app", "personal"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aMutationOnAReusedConnectionIsNotRepeatedAfterAResetOnceSent() {
    // a read first, so that the create goes out on a kept-alive connection that has served a
    // response: OkHttp on its own repeats a request whose reused connection fails
    server.enqueue(app().build());
    server.enqueue(
        new MockResponse.Builder()
            .code(201)
            .body(APP)
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(new MockResponse.Builder().code(201).body(APP).build());

    assertThat(client.apps().get("my-app")).isPresent();
    Throwable t = catchThrowable(() -> client.apps().create("my-app", "personal"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(((MachinesApiException) t).httpStatus()).isZero();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void a408OnAMutationIsNotRepeated() {
    // Fly answers 408 when its own deadline ran out, possibly after the change was applied;
    // OkHttp on its own repeats a request answered 408
    server.enqueue(
        new MockResponse.Builder()
            .code(408)
            .addHeader("Content-Type", "application/json")
            .body("{\"error\":\"deadline_exceeded\"}")
            .build());
    server.enqueue(new MockResponse.Builder().code(201).body(APP).build());

    Throwable t = catchThrowable(() -> client.apps().create("my-app", "personal"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(((MachinesApiException) t).httpStatus()).isEqualTo(408);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aReadTimeoutEndsTyped() {
    enqueue(10, app().headersDelay(2, TimeUnit.SECONDS));
    try (MachinesClient c = client(http.withRetry(RetrySettings.defaults().withMaxAttempts(2)))) {
      Throwable t = catchThrowable(() -> c.apps().get("my-app"));
      assertThat(t).isInstanceOf(MachinesApiException.class);
      assertThat(t.getMessage()).contains("timeout");
    }
  }

  @Test
  void aTimeoutSaysTimeoutWhicheverMechanismNoticedIt() {
    // the socket's own read timeout ("Read timed out") can fire before Okio's watchdog ("timeout")
    enqueue(1, app());
    okhttp3.OkHttpClient throwing =
        new okhttp3.OkHttpClient.Builder()
            .addInterceptor(
                chain -> {
                  throw new java.net.SocketTimeoutException("Read timed out");
                })
            .build();
    HttpSettings settings =
        http.withOkHttpClient(throwing).withRetry(RetrySettings.defaults().withMaxAttempts(1));
    try (MachinesClient c = client(settings)) {
      Throwable t = catchThrowable(() -> c.apps().get("my-app"));
      assertThat(t).isInstanceOf(MachinesApiException.class);
      assertThat(t.getMessage()).endsWith(": timeout (Read timed out)");
    }
  }

  @Test
  void aSlowTrickleIsCutByTheCallDeadline() {
    enqueue(
        3,
        new MockResponse.Builder()
            .code(200)
            .body(APP + " ".repeat(4096))
            .throttleBody(16, 50, TimeUnit.MILLISECONDS));
    try (MachinesClient c = client(http.withRetry(RetrySettings.defaults().withMaxAttempts(2)))) {
      Throwable t = catchThrowable(() -> c.apps().get("my-app"));
      assertThat(t).isInstanceOf(MachinesApiException.class);
      assertThat(t.getMessage()).contains("timeout");
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void a429StormOnAReadHonoursRetryAfterThenIsTyped() {
    enqueue(
        10,
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "5")
            .body("{\"error\":\"rate limited\"}"));

    Throwable t = catchThrowable(() -> client.apps().get("my-app"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(((MachinesApiException) t).httpStatus()).isEqualTo(429);
    assertThat(t.getMessage()).contains("429").contains("rate limited");
    assertThat(sleeps).containsOnly(Duration.ofSeconds(5)).hasSize(3);
  }

  @Test
  void a429StormOnAMutationHonoursRetryAfterThenIsTyped() {
    enqueue(
        10,
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "4")
            .body("{\"error\":\"rate limited\"}"));

    Throwable t = catchThrowable(() -> client.apps().create("my-app", "personal"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(((MachinesApiException) t).httpStatus()).isEqualTo(429);
    assertThat(sleeps).containsOnly(Duration.ofSeconds(4));
    assertThat(server.getRequestCount()).isEqualTo(RetrySettings.defaults().maxAttempts());
  }

  /**
   * A socket factory whose every other connection attempt is refused (the first of each pair), so
   * that connection failures and answers alternate.
   */
  private static final class FlakyConnects extends SocketFactory {
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
          if (attempts.getAndIncrement() % 2 == 0) {
            refused.incrementAndGet();
            throw new ConnectException("refused by the test");
          }
          super.connect(endpoint, timeout);
        }
      };
    }

    @Override
    public Socket createSocket(String host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void connectionFailuresAnd429sOnAMutationShareOneAttemptBudget() {
    FlakyConnects sockets = new FlakyConnects();
    enqueue(
        20,
        new MockResponse.Builder()
            .code(429)
            .addHeader("Connection", "close")
            .body("{\"error\":\"rate limited\"}"));
    int max = RetrySettings.defaults().maxAttempts();
    try (MachinesClient flaky =
        client(http.withOkHttpClient(new OkHttpClient.Builder().socketFactory(sockets).build()))) {
      Throwable t = catchThrowable(() -> flaky.apps().create("my-app", "personal"));

      assertThat(t).isInstanceOf(MachinesApiException.class);
      assertThat(((MachinesApiException) t).httpStatus()).isEqualTo(429);
      // every attempt either failed to connect or reached the server: together, the budget
      assertThat(sockets.refused.get() + server.getRequestCount()).isEqualTo(max);
      assertThat(sleeps).hasSize(max - 1);
    }
  }

  @Test
  void a429BurstOnAMutationSucceedsWithinTheBudget() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build());
    server.enqueue(new MockResponse.Builder().code(201).body(APP).build());

    assertThat(client.apps().create("my-app", "personal").name()).isEqualTo("my-app");
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void a5xxBurstOnAReadSucceeds() {
    server.enqueue(new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build());
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(500).build());
    server.enqueue(app().build());

    assertThat(client.apps().get("my-app")).isPresent();
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void endless5xxOnAReadIsTypedWithABoundedMessage() {
    enqueue(10, new MockResponse.Builder().code(503).body("<html>" + "y".repeat(100_000)));

    Throwable t = catchThrowable(() -> client.apps().get("my-app"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(((MachinesApiException) t).httpStatus()).isEqualTo(503);
    assertThat(t.getMessage()).hasSizeLessThan(1000);
  }

  @Test
  void aHugeAnswerIsRefusedInsteadOfFillingTheHeap() {
    Buffer huge = new Buffer();
    huge.writeUtf8("{\"id\":\"a1\",\"name\":\"my-app\",\"pad\":\"");
    byte[] chunk = new byte[1024 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'z');
    for (int i = 0; i < 40; i++) {
      huge.write(chunk);
    }
    huge.writeUtf8("\"}");
    server.enqueue(new MockResponse.Builder().code(200).body(huge).build());

    Throwable t = catchThrowable(() -> client.apps().get("my-app"));
    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertThat(t.getMessage()).contains("larger than");
  }

  @Test
  void garbageSuccessBodiesAreTyped() {
    for (String body :
        List.of("", "<html>", "[]", "null", "{\"name\":", "\"str\"", "{\"name\":[1]}")) {
      server.enqueue(new MockResponse.Builder().code(200).body(body).build());
      Throwable t = catchThrowable(() -> client.apps().get("my-app"));
      assertThat(t).as(body).isInstanceOf(MachinesApiException.class);
    }
  }

  @Test
  void anErrorTextIsOneCleanLineThatNeverSplitsASurrogatePair() {
    // 300 characters of the error are quoted: the pair straddles that limit
    server.enqueue(
        new MockResponse.Builder()
            .code(422)
            .body(
                "{\"error\":\""
                    + "a".repeat(299)
                    + "\uD83D\uDE00"
                    + "tail\",\"status\":\"x\\u2028y\"}")
            .build());

    Throwable t = catchThrowable(() -> client.apps().create("my-app", "personal"));

    assertThat(t).isInstanceOf(MachinesApiException.class);
    assertOneCleanLine(t.getMessage());
    assertThat(t.getMessage()).contains("(x y)").contains("a".repeat(299) + "...");
  }
}
