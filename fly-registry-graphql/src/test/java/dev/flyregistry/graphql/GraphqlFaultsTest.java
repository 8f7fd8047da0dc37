package dev.flyregistry.graphql;

import static dev.flyregistry.graphql.Fixtures.release;
import static dev.flyregistry.graphql.Fixtures.releasesAnswer;
import static dev.flyregistry.testing.TextAssertions.assertOneCleanLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.FlyException;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.testing.FaultsTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Network faults against the GraphQL client: queries end in success within the retry budget or a
 * typed {@link GraphqlTransportException}/{@link GraphqlProtocolException}; mutations are never
 * repeated once sent. The {@code @Timeout} is a hang guard.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GraphqlFaultsTest extends FaultsTestBase {
  private static final String ANSWER =
      releasesAnswer(List.of(release(1, "registry.fly.io/app:v1", "a@example.com", "Ann")));

  private GraphqlClient client;

  @BeforeEach
  void start() {
    client = client(http);
  }

  private GraphqlClient client(HttpSettings settings) {
    return GraphqlClient.builder()
        .token(FlyToken.parse("fo1_graphql-faults-token"))
        .endpoint(server.url("/graphql").toString())
        .http(settings)
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  private static MockResponse.Builder ok() {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(ANSWER);
  }

  private List<Release> list() {
    return client.releases().list("app", 5);
  }

  @Test
  void connectionRefusedIsATransportException() throws Exception {
    int port = closedPort();
    GraphqlClient dead =
        GraphqlClient.builder()
            .token(FlyToken.parse("fo1_graphql-faults-token"))
            .endpoint("http://127.0.0.1:" + port + "/graphql")
            .http(http)
            .build();
    try (dead) {
      Throwable t = catchThrowable(() -> dead.releases().list("app", 5));
      assertThat(t).isInstanceOf(GraphqlTransportException.class);
      assertThat(t.getMessage()).contains("127.0.0.1:" + port).contains("ConnectException");
      assertThat(((GraphqlTransportException) t).status()).isEmpty();
      assertThat(sleeps).hasSize(RetrySettings.defaults().maxAttempts() - 1);
    }
  }

  @Test
  void resetsAndTruncationsAreRetriedForQueries() {
    server.enqueue(ok().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(ok().onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(
        ok().setHeader("Content-Length", ANSWER.length() + 10)
            .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(ok().build());

    assertThat(list()).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void endlessMidBodyResetsEndInATransportException() {
    enqueue(10, ok().onResponseBody(SocketEffect.ShutdownConnection.INSTANCE));

    Throwable t = catchThrowable(this::list);
    assertThat(t).isInstanceOf(GraphqlTransportException.class);
    assertThat(t.getMessage()).contains("releases").contains("/graphql");
  }

  @Test
  void aMutationIsNotRepeatedAfterAResetOnceSent() {
    server.enqueue(ok().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(ok().build());

    Throwable t = catchThrowable(() -> client.execute("mutation M { doIt }", Map.of()));
    assertThat(t).isInstanceOf(GraphqlTransportException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aReadTimeoutEndsInATransportExceptionWithoutInterruptingTheCaller() {
    enqueue(10, ok().headersDelay(2, TimeUnit.SECONDS));
    try (GraphqlClient c = client(http.withRetry(RetrySettings.defaults().withMaxAttempts(2)))) {
      Throwable t = catchThrowable(() -> c.releases().list("app", 5));
      assertThat(t).isInstanceOf(GraphqlTransportException.class);
      assertThat(t).hasCauseInstanceOf(java.net.SocketTimeoutException.class);
      assertThat(t.getMessage()).contains(" failed: timeout");
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
  }

  @Test
  void aSlowTrickleIsCutByTheCallDeadlineWithoutInterruptingTheCaller() {
    enqueue(
        3,
        new MockResponse.Builder()
            .code(200)
            .body(ANSWER + " ".repeat(4096))
            .throttleBody(16, 50, TimeUnit.MILLISECONDS));
    // MockWebServer also throttles its reading of the request body: a long read timeout makes
    // sure that the call deadline, not the read timeout, ends each attempt
    HttpSettings slow =
        http.withReadTimeout(Duration.ofSeconds(5))
            .withRetry(RetrySettings.defaults().withMaxAttempts(2));
    try (GraphqlClient c = client(slow)) {
      Throwable t = catchThrowable(() -> c.releases().list("app", 5));
      assertThat(t).isInstanceOf(GraphqlTransportException.class);
      assertThat(t.getMessage()).endsWith(" failed: timeout");
      // before the fix, a deadline left the caller's thread interrupted
      assertThat(Thread.interrupted()).isFalse();
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void a429StormHonoursRetryAfterThenIsTyped() {
    enqueue(10, new MockResponse.Builder().code(429).addHeader("Retry-After", "6").body("slow"));

    Throwable t = catchThrowable(this::list);
    assertThat(t).isInstanceOf(GraphqlTransportException.class);
    assertThat(((GraphqlTransportException) t).status()).hasValue(429);
    assertThat(t.getMessage()).contains("429").contains("rate limited").contains("Retry-After: 6");
    assertThat(sleeps).containsOnly(Duration.ofSeconds(6)).hasSize(3);
  }

  @Test
  void a429BurstShorterThanTheBudgetSucceeds() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "2").build());
    server.enqueue(ok().build());

    assertThat(list()).hasSize(1);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void a5xxBurstShorterThanTheBudgetSucceeds() {
    server.enqueue(new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build());
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(ok().build());

    assertThat(list()).hasSize(1);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void a500IsNotRetriedAndIsTyped() {
    server.enqueue(new MockResponse.Builder().code(500).body("boom").build());

    Throwable t = catchThrowable(this::list);
    assertThat(t).isInstanceOf(GraphqlTransportException.class);
    assertThat(((GraphqlTransportException) t).status()).hasValue(500);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void garbageBodiesAreProtocolErrors() {
    for (String body :
        List.of(
            "",
            "<html>",
            "[]",
            "null",
            "{\"data\":",
            "{\"data\":5}",
            "{\"errors\":{}}",
            "{}",
            "{\"data\":{\"app\":{\"releases\":{\"nodes\":[{\"version\":\"x\"}]}}}}")) {
      server.enqueue(new MockResponse.Builder().code(200).body(body).build());
      Throwable t = catchThrowable(this::list);
      assertThat(t).as(body).isInstanceOf(FlyException.class);
      assertThat(t).as(body).isInstanceOfAny(GraphqlProtocolException.class);
    }
  }

  @Test
  void aNonJsonErrorBodyIsQuotedAsOneCleanLine() {
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .body(
                "<html>\u001B[2J\u001B]0;owned\u0007 bad\u2028request\u000B\u202Eok "
                    + "a".repeat(170)
                    + "\uD83D\uDE00"
                    + "tail")
            .build());

    Throwable t = catchThrowable(() -> client.releases().list("app", 5));

    assertThat(t).isInstanceOf(GraphqlTransportException.class);
    assertOneCleanLine(t.getMessage());
    assertThat(t.getMessage()).contains("bad request").endsWith("...");
  }
}
