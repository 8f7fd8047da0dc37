package dev.flyregistry.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.FlyException;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.testing.JsonMutator;
import dev.flyregistry.testing.Samples;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GraphQL answers as a server might send them, decoded by the client's whole receive path (status,
 * body limits, JSON, {@code errors[]}, typed decoding): valid release answers decode; near-valid
 * and noise answers decode or give a documented exception ({@link GraphqlProtocolException}, {@link
 * GraphqlException}, {@link GraphqlAuthException}, {@link AppNotFoundException}, {@link
 * GraphqlTransportException}), never a Jackson exception or NPE. No sockets: an OkHttp interceptor
 * answers, so 10,000 tries take seconds.
 */
class GraphqlResponseProperties {
  private static final AtomicReference<Response.Builder> NEXT = new AtomicReference<>();
  private static GraphqlClient client;

  @BeforeAll
  static void build() {
    OkHttpClient canned =
        new OkHttpClient.Builder()
            .addInterceptor(chain -> NEXT.get().request(chain.request()).build())
            .build();
    client =
        GraphqlClient.builder()
            .token(FlyToken.parse("fo1_property-token-value"))
            .endpoint("https://api.fly.io/graphql")
            .http(
                HttpSettings.defaults()
                    .withOkHttpClient(canned)
                    .withSleeper(d -> {})
                    .withRetry(RetrySettings.none()))
            .build();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static void answer(int status, String body) {
    NEXT.set(
        new Response.Builder()
            .protocol(Protocol.HTTP_1_1)
            .code(status)
            .message("status " + status)
            .body(ResponseBody.create(body, MediaType.get("application/json"))));
  }

  static String validReleases(Random r, boolean paged) {
    StringBuilder nodes = new StringBuilder();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      nodes
          .append(i == 0 ? "" : ",")
          .append("{\"id\":\"rel_")
          .append(i)
          .append("\",\"version\":")
          .append(r.nextInt(1000))
          .append(",\"description\":\"Deploy\",\"reason\":\"deploy\",\"status\":\"")
          .append(r.nextBoolean() ? "complete" : "failed")
          .append("\",\"imageRef\":")
          .append(r.nextBoolean() ? "\"registry.fly.io/app:v" + i + "\"" : "null")
          .append(",\"stable\":")
          .append(r.nextBoolean())
          .append(",\"user\":")
          .append(
              r.nextBoolean()
                  ? "{\"id\":\"u1\",\"email\":\"a@example.com\",\"name\":"
                      + (r.nextBoolean() ? "\"Ann\"" : "null")
                      + "}"
                  : "null")
          .append(",\"createdAt\":\"2026-11-")
          .append(10 + r.nextInt(18))
          .append("T10:00:00Z\"}");
    }
    String conn =
        "{\"nodes\":["
            + nodes
            + "]"
            + (paged
                ? ",\"pageInfo\":{\"hasNextPage\":false,\"endCursor\":null},\"totalCount\":" + n
                : "")
            + "}";
    return "{\"data\":{\"app\":{\"releases\":" + conn + "}}}";
  }

  @Test
  void validAnswersDecode() {
    Samples.forAll(
        random -> {
          answer(200, validReleases(random, false));
          List<Release> releases = client.releases().list("app", 25);
          assertThat(releases).allSatisfy(r -> assertThat(r.createdAt()).isNotNull());
        });
  }

  @Test
  void nearValidAnswersDecodeOrGiveADocumentedException() {
    Samples.forAll(
        random -> {
          boolean paged = random.nextBoolean();
          String body = validReleases(random, paged);
          if (random.nextInt(4) == 0) {
            body =
                "{\"data\":null,\"errors\":[{\"message\":\"m\",\"path\":[\"app\",0],"
                    + "\"extensions\":{\"code\":\""
                    + List.of("NOT_FOUND", "UNAUTHORIZED", "X").get(random.nextInt(3))
                    + "\"}}]}";
          }
          answer(random.nextInt(10) == 0 ? 401 : 200, JsonMutator.mutate(body, random));
          if (paged) {
            check(() -> client.releases().page("app", 5, null));
          } else {
            check(() -> client.releases().list("app", 5));
          }
        });
  }

  @Test
  void noiseGivesADocumentedException() {
    Samples.forAll(
        random -> {
          String body = Samples.noise(random);
          int[] statuses = {200, 200, 200, 400, 401, 404, 500, 502};
          answer(statuses[random.nextInt(statuses.length)], body);
          check(() -> client.releases().list("app", 5));
        });
  }

  private static void check(Runnable call) {
    try {
      call.run();
    } catch (GraphqlProtocolException
        | GraphqlException // includes AppNotFoundException
        | GraphqlAuthException
        | GraphqlTransportException e) {
      assertThat(e).isInstanceOf(FlyException.class);
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(10_000);
    }
  }
}
