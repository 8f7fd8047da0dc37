package dev.flyregistry.machines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.testing.JsonMutator;
import dev.flyregistry.testing.Samples;
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
 * Machines API error answers as a server might send them ({@code {"error", "status"}}, mutated, or
 * noise, with any error status): the client gives a {@link MachinesApiException} (or its documented
 * subtypes) whose message is bounded, single-line and names the request; a 404 on a lookup is an
 * empty answer. No sockets: an OkHttp interceptor answers.
 */
class MachinesErrorBodyProperties {
  private static final AtomicReference<Response.Builder> NEXT = new AtomicReference<>();
  private static MachinesClient client;
  private static final int[] STATUSES = {400, 401, 403, 404, 409, 412, 422, 429, 500, 502, 503};

  @BeforeAll
  static void build() {
    OkHttpClient canned =
        new OkHttpClient.Builder()
            .addInterceptor(chain -> NEXT.get().request(chain.request()).build())
            .build();
    client =
        MachinesClient.builder()
            .token(FlyToken.parse("fo1_property-token-value"))
            .http(
                HttpSettings.defaults()
                    .withOkHttpClient(canned)
                    .withSleeper(d -> {})
                    .withRetry(RetrySettings.none()))
            .rateLimit(RateLimit.none())
            .imageChecker(ImageChecker.NONE)
            .build();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static void answer(int status, String body, Random r) {
    Response.Builder b =
        new Response.Builder()
            .protocol(Protocol.HTTP_1_1)
            .code(status)
            .message("status " + status)
            .body(ResponseBody.create(body, MediaType.get("application/json")));
    if (r.nextBoolean()) {
      b.header("fly-request-id", "01J" + Integer.toHexString(r.nextInt()));
    }
    NEXT.set(b);
  }

  static String validError(Random r) {
    String[] statuses = {"name_taken", "not_found", "unauthorized", "lease_conflict"};
    return "{\"error\":\"something went wrong: "
        + "detail ".repeat(r.nextInt(20))
        + "\",\"status\":\""
        + statuses[r.nextInt(statuses.length)]
        + "\""
        + (r.nextBoolean() ? ",\"details\":{\"k\":[1,2]}" : "")
        + "}";
  }

  @Test
  void nearValidErrorBodiesGiveMachinesApiException() {
    Samples.forAll(
        random -> {
          int status = STATUSES[random.nextInt(STATUSES.length)];
          String body =
              random.nextInt(5) == 0
                  ? validError(random)
                  : JsonMutator.mutate(validError(random), random);
          answer(status, body, random);
          check(status, random);
        });
  }

  @Test
  void noiseErrorBodiesGiveMachinesApiException() {
    Samples.forAll(
        random -> {
          String body = Samples.noise(random);
          int status = STATUSES[random.nextInt(STATUSES.length)];
          answer(status, body, random);
          check(status, random);
        });
  }

  private static void check(int status, Random random) {
    try {
      if (random.nextBoolean()) {
        // a lookup: 404 is an answer
        boolean found = client.apps().get("my-app").isPresent();
        assertThat(found).isFalse(); // every status here is an error
        assertThat(status).isEqualTo(404);
      } else {
        client.apps().create("my-app", "personal");
        throw new AssertionError("an error status was taken for success: " + status);
      }
    } catch (MachinesApiException e) {
      assertThat(e.httpStatus()).isEqualTo(status);
      assertThat(e.getMessage()).hasSizeLessThan(1_000).doesNotContain("\n").contains("/apps");
    }
  }
}
