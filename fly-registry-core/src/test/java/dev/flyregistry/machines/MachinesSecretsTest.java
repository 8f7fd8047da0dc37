package dev.flyregistry.machines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.testing.SecretCanary;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Machines API client with a distinctive token and a server that echoes the Authorization
 * header and the token in error texts, statuses, request ids and odd bodies: the token never
 * appears in a log line (DEBUG), an exception message, or a {@code toString()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MachinesSecretsTest {
  private final MockWebServer server = new MockWebServer();
  private SecretCanary canary;
  private MachinesClient client;

  @BeforeEach
  void start() throws Exception {
    canary = new SecretCanary();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    client =
        MachinesClient.builder()
            .token(FlyToken.parse("FlyV1 " + SecretCanary.TOKEN + ",fm1r_second-part-abcdef"))
            .endpoint(server.url("/v1").toString())
            .releasesEndpoint(server.url("/api/v1").toString())
            .http(HttpSettings.defaults().withSleeper(d -> {}))
            .rateLimit(RateLimit.none())
            .imageChecker(ImageChecker.NONE)
            .build();
  }

  @AfterEach
  void stop() {
    try {
      client.close();
      server.close();
      canary.assertLogClean();
    } finally {
      canary.close();
    }
  }

  @Test
  void errorsEchoingTheTokenStayClean() {
    server.setDispatcher(
        new Dispatcher() {
          int n;

          @Override
          public synchronized MockResponse dispatch(RecordedRequest r) {
            String auth = String.valueOf(r.getHeaders().get("Authorization"));
            n++;
            int code = new int[] {401, 403, 422, 500, 404, 400, 200}[(n - 1) % 7];
            String body =
                switch (n % 4) {
                  case 0 -> "{\"error\":\"bad " + auth + "\",\"status\":\"" + auth + "\"}";
                  case 1 -> "<html>" + auth + "</html>";
                  case 2 -> "{\"error\":{\"nested\":\"" + SecretCanary.TOKEN + "\"}}";
                  default -> "{\"status\":\"" + SecretCanary.TOKEN + "\"}";
                };
            if (code == 200) {
              body = "{\"name\": " + auth; // a success with an unreadable body
            }
            return new MockResponse.Builder()
                .code(code)
                .addHeader("fly-request-id", auth.replace(' ', '-'))
                .body(body)
                .build();
          }
        });

    for (int i = 0; i < 14; i++) {
      Throwable t =
          catchThrowable(
              i % 2 == 0
                  ? () -> client.apps().get("my-app")
                  : () -> client.apps().create("my-app", "personal"));
      if (t == null) {
        continue; // a 404 lookup is an answer
      }
      assertThat(t).isInstanceOf(MachinesApiException.class);
      SecretCanary.assertClean(t);
      MachinesApiException e = (MachinesApiException) t;
      SecretCanary.assertClean(e.error());
      SecretCanary.assertClean(e.status());
      SecretCanary.assertClean(e.requestId());
    }
    SecretCanary.assertClean(client);
  }
}
