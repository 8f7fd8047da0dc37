package dev.flyregistry.testkit;

import static dev.flyregistry.testkit.RawHttp.basic;
import static dev.flyregistry.testkit.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FlyEmulatorExtension.class)
class FaultsTest {
  static String token;

  @BeforeAll
  static void setUp(FlyEmulator fly) {
    fly.createOrganization("o");
    token = fly.createToken("o");
    fly.createApp("o", "app");
    fly.pushImage("app", "v1");
  }

  @BeforeEach
  void clear(FlyEmulator fly) {
    fly.faults().clear();
  }

  private static RawHttp.Response head(FlyEmulator fly, String tag) {
    return send(
        "HEAD",
        fly.registryUrl() + "/v2/app/manifests/" + tag,
        (byte[]) null,
        "Accept",
        "application/vnd.oci.image.manifest.v1+json",
        "Authorization",
        basic(token));
  }

  @Test
  void respondsWithTheStatusAndHeadersForTheNextNMatchingRequests(FlyEmulator fly) {
    Faults.Fault f =
        fly.faults().next(2, "HEAD", "/manifests/v1$").respond(429, "Retry-After", "3");
    assertThat(fly.faults().pending()).isEqualTo(2);
    RawHttp.Response first = head(fly, "v1");
    assertThat(first.status()).isEqualTo(429);
    assertThat(first.header("Retry-After")).contains("3");
    assertThat(head(fly, "v1").status()).isEqualTo(429);
    assertThat(head(fly, "v1").status()).isEqualTo(200);
    assertThat(f.hits()).isEqualTo(2);
    assertThat(f.remaining()).isZero();
    assertThat(fly.faults().pending()).isZero();
  }

  @Test
  void onlyMatchingMethodAndPathAreAffected(FlyEmulator fly) {
    fly.faults().next(1, "GET", "/manifests/v1$").respond(503);
    assertThat(head(fly, "v1").status()).isEqualTo(200);
    assertThat(head(fly, "other").status()).isEqualTo(404);
    RawHttp.Response get =
        send(
            "GET",
            fly.registryUrl() + "/v2/app/manifests/v1",
            (byte[]) null,
            "Accept",
            "application/vnd.oci.image.manifest.v1+json",
            "Authorization",
            basic(token));
    assertThat(get.status()).isEqualTo(503);
    assertThat(fly.faults().pending()).isZero();
  }

  @Test
  void anyMethodAndOtherSurfaces(FlyEmulator fly) {
    fly.faults()
        .next(1, "*", "^/graphql$")
        .respondWithBody(502, "text/html", "<h1>bad gateway</h1>");
    RawHttp.Response r =
        send(
            "POST",
            fly.graphqlUrl(),
            "{\"query\":\"{ appNameAvailable(name: \\\"a\\\") }\"}",
            "Authorization",
            "Bearer " + token,
            "Content-Type",
            "application/json");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.text()).isEqualTo("<h1>bad gateway</h1>");
    fly.faults().next(null, "^/v1/apps").respond(429, "Retry-After", "1");
    assertThat(
            send(
                    "GET",
                    fly.machinesUrl() + "/apps/app",
                    (String) null,
                    "Authorization",
                    "Bearer " + token)
                .status())
        .isEqualTo(429);
    assertThat(
            send(
                    "GET",
                    fly.machinesUrl() + "/apps/app",
                    (String) null,
                    "Authorization",
                    "Bearer " + token)
                .status())
        .isEqualTo(200);
  }

  /** What RetrySettings and this module's README say: OkHttp re-sends a dropped HEAD by itself. */
  @Test
  void aDroppedHeadIsSentAgainEvenWithoutRetries(FlyEmulator fly) {
    long before = fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}");
    Faults.Fault f = fly.faults().next("HEAD", "/manifests/v1$").dropConnection();
    try (RegistryClient registry =
        fly.registryClient(token, FlyEmulator.testHttpSettings().withRetry(RetrySettings.none()))) {
      assertThat(registry.exists(ImageReference.parse(fly.registryHost() + "/app:v1"))).isTrue();
    }
    assertThat(f.hits()).isEqualTo(1);
    assertThat(fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}") - before)
        .isEqualTo(2);
  }

  @Test
  void dropConnectionGivesTheClientAnIoError(FlyEmulator fly) {
    // POST: java.net.http silently retries an idempotent request once on a dropped connection
    Faults.Fault f = fly.faults().next("POST", "/blobs/uploads/$").dropConnection();
    String url = fly.registryUrl() + "/v2/app/blobs/uploads/";
    assertThatThrownBy(() -> send("POST", url, (byte[]) null, "Authorization", basic(token)))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(f.hits()).isEqualTo(1);
    assertThat(send("POST", url, (byte[]) null, "Authorization", basic(token)).status())
        .isEqualTo(202);
  }

  @Test
  void delayThenAnswersNormally(FlyEmulator fly) {
    Faults.Fault f = fly.faults().next("HEAD", "/manifests/v1$").delay(Duration.ofMillis(50));
    assertThat(head(fly, "v1").status()).isEqualTo(200);
    assertThat(f.hits()).isEqualTo(1);
  }

  @Test
  void faultedRequestsAreCounted(FlyEmulator fly) {
    long before = fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}");
    fly.faults().next("HEAD", "/manifests/").respond(503);
    head(fly, "v1");
    assertThat(fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}") - before)
        .isEqualTo(1);
  }

  @Test
  void invalidArgumentsAreRejected(FlyEmulator fly) {
    assertThatThrownBy(() -> fly.faults().next(0, "GET", "/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fly.faults().next("GET", "/").respond(99))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fly.faults().next("GET", "/").respond(429, "Retry-After"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fly.faults().next("GET", "[").respond(500))
        .isInstanceOf(java.util.regex.PatternSyntaxException.class);
    assertThat(fly.faults().pending()).isZero();
  }
}
