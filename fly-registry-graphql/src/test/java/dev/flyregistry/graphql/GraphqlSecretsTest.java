package dev.flyregistry.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The GraphQL client with a distinctive token and a server that echoes it in {@code errors[]}
 * (messages, extensions, paths), in error bodies and in malformed answers: the token never appears
 * in a log line (SDK loggers at DEBUG), an exception message, or a {@code toString()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GraphqlSecretsTest {
  private static final String SECRET = "fm2_SECRET-canary-7f3a9c1d5e";
  private static final List<String> FORMS = List.of(SECRET, "SECRET-canary");

  private final MockWebServer server = new MockWebServer();
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream original = System.err;
  private GraphqlClient client;

  @BeforeEach
  void start() throws Exception {
    System.setErr(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                captured.write(b);
                original.write(b);
              }
            },
            true,
            StandardCharsets.UTF_8));
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    client =
        GraphqlClient.builder()
            .token(FlyToken.parse("FlyV1 " + SECRET))
            .endpoint(server.url("/graphql").toString())
            .http(HttpSettings.defaults().withSleeper(d -> {}))
            .build();
  }

  @AfterEach
  void stop() {
    try {
      client.close();
      server.close();
      String log = captured.toString(StandardCharsets.UTF_8);
      FORMS.forEach(f -> assertThat(log).as("log").doesNotContain(f));
    } finally {
      System.setErr(original);
    }
  }

  private static void assertClean(Object value) {
    FORMS.forEach(f -> assertThat(String.valueOf(value)).doesNotContain(f));
  }

  private static void assertCleanThrowable(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      assertClean(x.getMessage());
      assertClean(x.toString());
      for (Throwable s : x.getSuppressed()) {
        assertCleanThrowable(s);
      }
    }
  }

  private void enqueue(int code, String body) {
    server.enqueue(
        new MockResponse.Builder()
            .code(code)
            .addHeader("Content-Type", "application/json")
            .body(body)
            .build());
  }

  @Test
  void errorsEchoingTheTokenStayClean() {
    String echoed = "FlyV1 " + SECRET;
    enqueue(
        200,
        "{\"data\":{\"app\":null},\"errors\":[{\"message\":\"bad token "
            + echoed
            + "\",\"path\":[\"app\",\""
            + SECRET
            + "\"],\"extensions\":{\"code\":\"X\",\"token\":\""
            + SECRET
            + "\",\"nested\":{\"list\":[\""
            + SECRET
            + "\"]}}}]}");
    enqueue(
        200,
        "{\"errors\":[{\"message\":\""
            + SECRET
            + "\",\"extensions\":{\"code\":\"UNAUTHORIZED\"}}]}");
    enqueue(401, "{\"errors\":[{\"message\":\"token " + SECRET + " expired\"}]}");
    enqueue(500, "<html>" + SECRET + "</html>");
    enqueue(200, "{\"data\": " + SECRET);
    enqueue(200, "[\"" + SECRET + "\"]");
    enqueue(200, "{\"data\":{\"app\":{\"releases\":{\"nodes\":[{\"id\":\"" + SECRET + "\"}]}}}}");

    for (int i = 0; i < 7; i++) {
      Throwable t = catchThrowable(() -> client.releases().list("app", 5));
      assertThat(t).isNotNull();
      assertCleanThrowable(t);
      if (t instanceof GraphqlException g) {
        assertClean(g.errors());
        g.errors().forEach(e -> assertClean(e.extensions()));
        g.errors().forEach(e -> assertClean(e.path()));
        assertClean(g.partialData());
        assertClean(g.partialDataJson());
      }
      if (t instanceof GraphqlAuthException a) {
        assertClean(a.errors());
      }
      if (t instanceof GraphqlTransportException tr) {
        assertClean(tr.body());
        assertClean(tr.errors());
      }
    }
    assertClean(client);
  }

  @Test
  void aTokenStraddlingTheQuotedStartOfAMalformedBodyLeaksNoPrefix() {
    // the quoted start of a malformed body is 200 characters; the token begins just before that
    enqueue(200, "{\"data\": \"" + "a".repeat(180) + SECRET + "\"");
    Throwable t = catchThrowable(() -> client.releases().list("app", 5));
    assertThat(t).isInstanceOf(GraphqlProtocolException.class).hasMessageContaining("REDACTED");
    assertCleanThrowable(t);
    assertThat(t.getMessage()).doesNotContain("fm2_SEC");
  }

  @Test
  void aTokenLongerThanTheQuotedStartOfAMalformedBodyIsScrubbedBeforeShortening() {
    String longToken = "fm2_" + "Q".repeat(700) + "SIGTAIL";
    try (GraphqlClient c =
        GraphqlClient.builder()
            .token(FlyToken.parse("FlyV1 " + longToken))
            .endpoint(server.url("/graphql").toString())
            .http(HttpSettings.defaults().withSleeper(d -> {}))
            .build()) {
      enqueue(200, "{\"data\": \"" + longToken + "\"");
      Throwable t = catchThrowable(() -> c.releases().list("app", 5));
      assertThat(t).isInstanceOf(GraphqlProtocolException.class).hasMessageContaining("REDACTED");
      assertThat(t.getMessage()).doesNotContain("fm2_QQQ").doesNotContain("QQQQQQQQ");
    }
  }
}
