package dev.flyregistry.machines;

import static dev.flyregistry.machines.FakeFly.body;
import static dev.flyregistry.machines.FakeFly.json;
import static dev.flyregistry.machines.FakeFly.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MachinesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CONFIG =
      "{\"image\":\"registry.fly.io/app:old\",\"env\":{\"A\":\"1\"},"
          + "\"guest\":{\"cpus\":1,\"memory_mb\":256,\"cpu_kind\":\"shared\"},"
          + "\"services\":[{\"internal_port\":8080,\"ports\":[{\"port\":443}]}],"
          + "\"future_field\":{\"nested\":[1,2,{\"x\":null}]},\"metadata\":{\"k\":\"v\"}}";

  static String machine(String id, String state, String instance, String config) {
    return "{\"id\":\""
        + id
        + "\",\"name\":\"name-"
        + id
        + "\",\"state\":\""
        + state
        + "\",\"region\":\"ams\",\"instance_id\":\""
        + instance
        + "\",\"private_ip\":\"fdaa::1\",\"config\":"
        + config
        + "}";
  }

  private FakeFly fly;
  private MachinesClient client;

  @BeforeEach
  void start() throws IOException {
    fly = new FakeFly();
    client = fly.client();
  }

  @AfterEach
  void stop() {
    client.close();
    fly.stop();
  }

  @Test
  void listReadsMachines() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines",
        json(
            200,
            "["
                + machine("m1", "started", "v1", CONFIG)
                + ","
                + machine("m2", "stopped", "v2", "{}")
                + "]"));
    List<Machine> machines = client.machines().list("app-1");
    assertThat(machines).extracting(Machine::id).containsExactly("m1", "m2");
    Machine m1 = machines.get(0);
    assertThat(m1.state()).isEqualTo("started");
    assertThat(m1.image()).contains("registry.fly.io/app:old");
    assertThat(m1.region()).contains("ams");
    assertThat(m1.instanceId()).contains("v1");
    assertThat(m1.name()).contains("name-m1");
    assertThat(machines.get(1).image()).isEmpty();
  }

  @Test
  void listOfAMissingAppIsNotFound() {
    fly.on("GET", "/v1/apps/nope/machines", json(404, "{\"error\":\"app not found\"}"));
    assertThatThrownBy(() -> client.machines().list("nope"))
        .isInstanceOf(MachinesNotFoundException.class)
        .hasMessageContaining("GET " + fly.server.url("/v1/apps/nope/machines"))
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("app not found");
  }

  @Test
  void getReturnsEmptyOn404() {
    fly.on("GET", "/v1/apps/app-1/machines/m1", json(200, machine("m1", "started", "v1", CONFIG)));
    fly.on("GET", "/v1/apps/app-1/machines/m9", json(404, "{\"error\":\"machine not found\"}"));
    assertThat(client.machines().get("app-1", "m1")).map(Machine::id).contains("m1");
    assertThat(client.machines().get("app-1", "m9")).isEmpty();
  }

  @Test
  void acquireLeaseSendsTtlAndReadsTheWrappedLease() throws IOException {
    fly.on(
        "POST",
        "/v1/apps/app-1/machines/m1/lease",
        json(
            200,
            "{\"status\":\"success\",\"data\":{\"nonce\":\"nonce-123\",\"expires_at\":1764240000,"
                + "\"owner\":\"me@example.com\",\"version\":\"v1\"}}"));
    Lease lease = client.machines().acquireLease("app-1", "m1", Duration.ofSeconds(90), "deploy");
    assertThat(lease.nonce()).isEqualTo("nonce-123");
    assertThat(lease.machineId()).isEqualTo("m1");
    assertThat(lease.expiresAt()).contains(Instant.ofEpochSecond(1764240000));
    assertThat(lease.owner()).contains("me@example.com");
    assertThat(lease.toString()).doesNotContain("nonce-123");
    JsonNode sent = JSON.readTree(body(fly.requests.get(0)));
    assertThat(sent.get("ttl").asInt()).isEqualTo(90);
    assertThat(sent.get("description").asText()).isEqualTo("deploy");
    // a new lease is requested without a nonce
    assertThat(fly.requests.get(0).getHeaders().get("fly-machine-lease-nonce")).isNull();
  }

  @Test
  void acquireLeaseReadsABareLeaseToo() {
    fly.on(
        "POST",
        "/v1/apps/app-1/machines/m1/lease",
        json(201, "{\"nonce\":\"n-2\",\"expires_at\":1764240000}"));
    assertThat(client.machines().acquireLease("app-1", "m1", Duration.ofSeconds(30), "x").nonce())
        .isEqualTo("n-2");
  }

  @Test
  void leaseHeldBySomeoneElseIsALeaseConflict() {
    fly.on(
        "POST",
        "/v1/apps/app-1/machines/m1/lease",
        json(409, "{\"error\":\"lease currently held by other@example.com\"}"));
    assertThatThrownBy(
            () -> client.machines().acquireLease("app-1", "m1", Duration.ofSeconds(30), "x"))
        .isInstanceOfSatisfying(
            LeaseConflictException.class,
            e -> {
              assertThat(e.machineId()).isEqualTo("m1");
              assertThat(e.httpStatus()).isEqualTo(409);
            })
        .hasMessageContaining("lease currently held by other@example.com");
    assertThat(fly.requests).hasSize(1);
  }

  @Test
  void leaseWithoutNonceIsAnError() {
    fly.on("POST", "/v1/apps/app-1/machines/m1/lease", json(200, "{\"status\":\"success\"}"));
    assertThatThrownBy(
            () -> client.machines().acquireLease("app-1", "m1", Duration.ofSeconds(30), "x"))
        .isInstanceOf(MachinesApiException.class)
        .hasMessageContaining("no lease nonce");
  }

  @Test
  void releaseLeaseSendsTheNonceHeader() {
    fly.on("DELETE", "/v1/apps/app-1/machines/m1/lease", status(200));
    client
        .machines()
        .releaseLease(
            "app-1",
            new Lease("m1", "nonce-xyz", java.util.Optional.empty(), java.util.Optional.empty()));
    RecordedRequest r = fly.requests.get(0);
    assertThat(r.getMethod()).isEqualTo("DELETE");
    assertThat(r.getHeaders().get("fly-machine-lease-nonce")).isEqualTo("nonce-xyz");
  }

  @Test
  void updateImageKeepsEveryOtherConfigFieldAndSendsTheNonce() throws IOException {
    fly.on("GET", "/v1/apps/app-1/machines/m1", json(200, machine("m1", "started", "v1", CONFIG)));
    fly.on(
        "POST",
        "/v1/apps/app-1/machines/m1",
        json(200, machine("m1", "replacing", "v2", CONFIG.replace("app:old", "app:new"))));
    Lease lease =
        new Lease("m1", "nonce-1", java.util.Optional.empty(), java.util.Optional.empty());

    Machine updated =
        client.machines().updateImage("app-1", "m1", "registry.fly.io/app:new", lease);

    assertThat(updated.instanceId()).contains("v2");
    assertThat(updated.image()).contains("registry.fly.io/app:new");
    RecordedRequest post = fly.requests("POST", "/v1/apps/app-1/machines/m1").get(0);
    assertThat(post.getHeaders().get("fly-machine-lease-nonce")).isEqualTo("nonce-1");
    JsonNode sent = JSON.readTree(body(post));
    JsonNode expected = JSON.readTree(CONFIG);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected)
        .put("image", "registry.fly.io/app:new");
    assertThat(sent.get("config")).isEqualTo(expected);
    assertThat(sent.size()).isEqualTo(1);
  }

  @Test
  void updateImageRefusesALeaseOfAnotherMachine() {
    Lease lease =
        new Lease("m2", "nonce-1", java.util.Optional.empty(), java.util.Optional.empty());
    assertThatThrownBy(() -> client.machines().updateImage("app-1", "m1", "img:1", lease))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("m2");
    assertThat(fly.requests).isEmpty();
  }

  @Test
  void machineIdsThatAreNotOnePathSegmentAreRejectedBeforeAnyRequest() {
    // "." and ".." would be resolved away by the URL ("..": GET /apps/app-1 read as a machine)
    fly.on("GET", "/v1/apps/app-1", json(200, "{\"id\":\"app-id\",\"name\":\"app-1\"}"));
    Lease lease = new Lease("..", "n", java.util.Optional.empty(), java.util.Optional.empty());
    for (String id : List.of("..", ".", "", " ", "a/b", "m1 ", "m\n1", "m1?x=1", "m1#x")) {
      assertThatThrownBy(() -> client.machines().get("app-1", id))
          .as(id)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("machine ID");
      assertThatThrownBy(
              () -> client.machines().acquireLease("app-1", id, Duration.ofSeconds(30), "x"))
          .as(id)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () -> client.machines().waitFor("app-1", id, "started", null, Duration.ofSeconds(5)))
          .as(id)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> client.machines().releaseLease("app-1", lease))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fly.requests).isEmpty();
  }

  @Test
  void waitSendsStateTimeoutAndVersion() {
    fly.on(
        "GET", "/v1/apps/app-1/machines/m1/wait", json(200, "{\"ok\":true,\"state\":\"started\"}"));
    client.machines().waitFor("app-1", "m1", "started", "v2", Duration.ofMillis(1500));
    RecordedRequest r = fly.requests.get(0);
    assertThat(r.getUrl().queryParameter("state")).isEqualTo("started");
    assertThat(r.getUrl().queryParameter("timeout")).isEqualTo("2");
    assertThat(r.getUrl().queryParameter("version")).isEqualTo("v2");
  }

  @Test
  void aWaitOfSixtySecondsOutlastsTheClientTimeoutsWhateverTheDeployWaitTimeout() {
    // the deploy's wait timeout (short here) must not bound a wait asked for directly
    List<Long> readTimeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Long> callTimeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
    okhttp3.OkHttpClient recording =
        new okhttp3.OkHttpClient.Builder()
            .addInterceptor(
                chain -> {
                  readTimeouts.add((long) chain.readTimeoutMillis());
                  callTimeouts.add(chain.call().timeout().timeoutNanos() / 1_000_000L);
                  return chain.proceed(chain.request());
                })
            .build();
    fly.on(
        "GET", "/v1/apps/app-1/machines/m1/wait", json(200, "{\"ok\":true,\"state\":\"started\"}"));
    try (MachinesClient c =
        fly.builder()
            .http(fly.http().withOkHttpClient(recording).withCallTimeout(Duration.ofSeconds(20)))
            .waitTimeout(Duration.ofSeconds(5))
            .build()) {
      c.machines().waitFor("app-1", "m1", "started", null, Duration.ofSeconds(60));
    } finally {
      recording.dispatcher().executorService().shutdown();
    }
    assertThat(fly.requests.get(0).getUrl().queryParameter("timeout")).isEqualTo("60");
    assertThat(readTimeouts).singleElement().satisfies(t -> assertThat(t).isGreaterThan(60_000));
    assertThat(callTimeouts).singleElement().satisfies(t -> assertThat(t).isGreaterThan(60_000));
  }

  @Test
  void waitTimeoutIsATypedErrorAndNotRetried() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines/m1/wait",
        json(408, "{\"error\":\"deadline_exceeded: machine did not reach started\"}"));
    assertThatThrownBy(
            () -> client.machines().waitFor("app-1", "m1", "started", null, Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(
            MachineWaitTimeoutException.class,
            e -> {
              assertThat(e.machineId()).isEqualTo("m1");
              assertThat(e.state()).isEqualTo("started");
            })
        .hasMessageContaining("did not reach state 'started'");
    assertThat(fly.requests).hasSize(1);
    assertThat(fly.requests.get(0).getUrl().queryParameter("version")).isNull();
  }

  @Test
  void waitIsARetriedReadWhenTheEdgeFailsTransiently() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines/m1/wait",
        json(502, "{\"error\":\"bad gateway\"}"),
        new MockResponse.Builder().code(503).addHeader("Retry-After", "2").build(),
        json(200, "{\"ok\":true,\"state\":\"started\"}"));
    client.machines().waitFor("app-1", "m1", "started", "v2", Duration.ofSeconds(30));
    assertThat(fly.requests).hasSize(3);
    assertThat(fly.sleeps).hasSize(2).endsWith(Duration.ofSeconds(2));
    assertThat(fly.requests)
        .allSatisfy(r -> assertThat(r.getUrl().queryParameter("version")).isEqualTo("v2"));
  }

  @Test
  void aRepeatedWaitAsksOnlyForWhatIsLeftOfItsTimeout() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines/m1/wait",
        new MockResponse.Builder()
            .code(504)
            .headersDelay(1200, java.util.concurrent.TimeUnit.MILLISECONDS)
            .build(),
        json(408, "{\"error\":\"deadline_exceeded\"}"));
    assertThatThrownBy(
            () -> client.machines().waitFor("app-1", "m1", "started", null, Duration.ofSeconds(3)))
        .isInstanceOf(MachineWaitTimeoutException.class);
    assertThat(fly.requests)
        .extracting(r -> r.getUrl().queryParameter("timeout"))
        .containsExactly("3", "2");
  }

  @Test
  void waitRejectsBadStatesAndTimeouts() {
    assertThatThrownBy(
            () -> client.machines().waitFor("app-1", "m1", "running", null, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("running");
    assertThatThrownBy(
            () -> client.machines().waitFor("app-1", "m1", "started", null, Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 60 seconds");
    assertThatThrownBy(
            () -> client.machines().waitFor("app-1", "m1", "started", null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fly.requests).isEmpty();
  }

  @Test
  void rateLimitedMutationIsRetriedAfterRetryAfter() {
    fly.on(
        "POST",
        "/v1/apps/app-1/machines/m1/lease",
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "3")
            .body("{\"error\":\"rate limited\"}")
            .build(),
        json(200, "{\"nonce\":\"n\"}"));
    Lease lease = client.machines().acquireLease("app-1", "m1", Duration.ofSeconds(30), "x");
    assertThat(lease.nonce()).isEqualTo("n");
    assertThat(fly.requests).hasSize(2);
    assertThat(fly.sleeps).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void rateLimitedReadIsRetriedAfterRetryAfter() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines",
        new MockResponse.Builder().code(429).addHeader("Retry-After", "2").build(),
        json(200, "[]"));
    assertThat(client.machines().list("app-1")).isEmpty();
    assertThat(fly.sleeps).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void persistentRateLimitEndsInAnErrorCarrying429() {
    fly.on(
        "POST",
        "/v1/apps/app-1/machines/m1/lease",
        new MockResponse.Builder()
            .code(429)
            .addHeader("Retry-After", "1")
            .body("{\"error\":\"slow down\"}")
            .build());
    assertThatThrownBy(
            () -> client.machines().acquireLease("app-1", "m1", Duration.ofSeconds(30), "x"))
        .isInstanceOfSatisfying(
            MachinesApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(429))
        .hasMessageContaining("slow down");
    // default retry settings: 4 attempts in all
    assertThat(fly.requests).hasSize(4);
  }

  @Test
  void serverErrorOnAMutationIsNotRetried() {
    fly.on("POST", "/v1/apps/app-1/machines/m1/lease", json(503, "{\"error\":\"down\"}"));
    assertThatThrownBy(
            () -> client.machines().acquireLease("app-1", "m1", Duration.ofSeconds(30), "x"))
        .isInstanceOf(MachinesApiException.class)
        .hasMessageContaining("HTTP 503");
    assertThat(fly.requests).hasSize(1);
  }

  @Test
  void errorJsonIsMappedWithStatusAndRequestId() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines",
        new MockResponse.Builder()
            .code(400)
            .addHeader("fly-request-id", "01HX-REQ")
            .body(
                "{\"error\":\"insufficient capacity in ams\",\"status\":\"insufficient_capacity\"}")
            .build());
    assertThatThrownBy(() -> client.machines().list("app-1"))
        .isExactlyInstanceOf(MachinesApiException.class)
        .satisfies(
            t -> {
              MachinesApiException e = (MachinesApiException) t;
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.status()).contains("insufficient_capacity");
              assertThat(e.error()).contains("insufficient capacity in ams");
              assertThat(e.requestId()).contains("01HX-REQ");
            })
        .hasMessageContaining("HTTP 400 (insufficient_capacity): insufficient capacity in ams")
        .hasMessageContaining("[fly-request-id 01HX-REQ]");
  }

  @Test
  void nonJsonErrorBodyIsQuotedShortly() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines",
        new MockResponse.Builder()
            .code(502)
            .body("<html>bad\n gateway " + "x".repeat(1000))
            .build());
    try (MachinesClient c =
        fly.builder()
            .http(fly.http().withRetry(dev.flyregistry.http.RetrySettings.none()))
            .build()) {
      assertThatThrownBy(() -> c.machines().list("app-1"))
          .isInstanceOfSatisfying(
              MachinesApiException.class,
              e -> {
                assertThat(e.status()).isEmpty();
                assertThat(e.error().orElseThrow())
                    .startsWith("<html>bad gateway")
                    .hasSizeLessThan(320);
              })
          .hasMessageContaining("HTTP 502");
    }
  }

  @Test
  void unreadableSuccessBodyIsATypedError() {
    fly.on("GET", "/v1/apps/app-1/machines", json(200, "{\"not\":\"an array\"}"));
    fly.on("GET", "/v1/apps/app-1/machines/m1", json(200, "not json"));
    assertThatThrownBy(() -> client.machines().list("app-1"))
        .isInstanceOf(MachinesApiException.class)
        .hasMessageContaining("expected a JSON array");
    assertThatThrownBy(() -> client.machines().get("app-1", "m1"))
        .isInstanceOf(MachinesApiException.class)
        .hasMessageContaining("unreadable response");
  }

  @Test
  void secretsNeverAppearInMessages() {
    String echo =
        "{\"error\":\"bad token Bearer "
            + FakeFly.TOKEN_TEXT
            + " rejected\",\"status\":\"unauthorized\"}";
    fly.on("GET", "/v1/apps/app-1/machines", json(401, echo));
    fly.on("POST", "/v1/apps", json(422, echo));
    assertThatThrownBy(() -> client.machines().list("app-1"))
        .isInstanceOfSatisfying(
            MachinesApiException.class,
            e -> {
              assertThat(e.getMessage()).doesNotContain(FakeFly.TOKEN_TEXT).contains("REDACTED");
              assertThat(e.error().orElseThrow()).doesNotContain(FakeFly.TOKEN_TEXT);
              assertThat(e.toString()).doesNotContain(FakeFly.TOKEN_TEXT);
            });
    assertThatThrownBy(() -> client.apps().create("my-app", "personal"))
        .satisfies(t -> assertThat(t.getMessage()).doesNotContain(FakeFly.TOKEN_TEXT));
  }

  @Test
  void connectionFailureIsATypedErrorWithoutSecrets() throws IOException {
    FakeFly down = new FakeFly();
    String url = down.server.url("/v1").toString();
    down.stop();
    try (MachinesClient c =
        MachinesClient.builder()
            .token(FakeFly.TOKEN)
            .endpoint(url)
            .http(fly.http())
            .rateLimit(RateLimit.none())
            .build()) {
      assertThatThrownBy(() -> c.machines().list("app-1"))
          .isInstanceOfSatisfying(
              MachinesApiException.class, e -> assertThat(e.httpStatus()).isZero())
          .hasMessageContaining("GET " + url + "/apps/app-1/machines")
          .satisfies(t -> assertThat(t.getMessage()).doesNotContain(FakeFly.TOKEN_TEXT));
    }
  }
}
