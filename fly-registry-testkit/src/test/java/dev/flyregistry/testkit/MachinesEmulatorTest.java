package dev.flyregistry.testkit;

import static dev.flyregistry.testkit.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MachinesEmulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @org.junit.jupiter.api.extension.RegisterExtension
  static final FlyEmulatorExtension EXTENSION =
      new FlyEmulatorExtension(
          () -> FlyEmulator.builder().maxWait(java.time.Duration.ofMillis(300)).start());

  static FlyEmulator fly;
  static String token;
  static String otherToken;
  static EmulatedImage image;

  @BeforeAll
  static void setUp() {
    fly = EXTENSION.emulator();
    fly.createOrganization("acme");
    fly.createOrganization("rival");
    token = fly.createToken("acme");
    otherToken = fly.createToken("rival");
    fly.createApp("acme", "web");
    fly.createApp("rival", "rival-app");
    image = fly.pushImage("web", "v1");
  }

  /** Sends with the token. */
  static RawHttp.Response api(String method, String path, String body, String... headers) {
    String[] all = Arrays.copyOf(headers, headers.length + 2);
    all[headers.length] = "Authorization";
    all[headers.length + 1] = "FlyV1 " + token;
    if (body != null) {
      all = Arrays.copyOf(all, all.length + 2);
      all[all.length - 2] = "Content-Type";
      all[all.length - 1] = "application/json";
    }
    return send(method, fly.machinesUrl() + path, body, all);
  }

  static JsonNode json(RawHttp.Response r) throws IOException {
    return JSON.readTree(r.body());
  }

  @Test
  void unauthenticatedIs401() throws IOException {
    RawHttp.Response r = send("GET", fly.machinesUrl() + "/apps/web", (String) null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(json(r).path("error").asText()).isNotEmpty();
    r =
        send(
            "GET",
            fly.machinesUrl() + "/apps/web",
            (String) null,
            "Authorization",
            "Bearer fm2_unknown");
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void createAppThenNameTaken() throws IOException {
    RawHttp.Response created =
        api("POST", "/apps", "{\"name\":\"fresh-app\",\"org_slug\":\"acme\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(json(created).path("name").asText()).isEqualTo("fresh-app");
    assertThat(json(created).path("organization").path("slug").asText()).isEqualTo("acme");
    assertThat(fly.appExists("fresh-app")).isTrue();

    RawHttp.Response taken = api("POST", "/apps", "{\"name\":\"fresh-app\",\"org_slug\":\"acme\"}");
    assertThat(taken.status()).isEqualTo(422);
    assertThat(json(taken).path("status").asText()).isEqualTo("name_taken");
    assertThat(json(taken).path("error").asText()).contains("taken");

    RawHttp.Response takenElsewhere =
        api("POST", "/apps", "{\"name\":\"rival-app\",\"org_slug\":\"acme\"}");
    assertThat(takenElsewhere.status()).isEqualTo(422);
  }

  @Test
  void createAppValidatesNameAndOrganization() throws IOException {
    RawHttp.Response bad = api("POST", "/apps", "{\"name\":\"Bad_Name\",\"org_slug\":\"acme\"}");
    assertThat(bad.status()).isEqualTo(400);
    RawHttp.Response foreignOrg =
        api("POST", "/apps", "{\"name\":\"x-app\",\"org_slug\":\"rival\"}");
    assertThat(foreignOrg.status()).isEqualTo(404);
    RawHttp.Response noOrg = api("POST", "/apps", "{\"name\":\"x-app\"}");
    assertThat(noOrg.status()).isEqualTo(400);
    assertThat(fly.appExists("x-app")).isFalse();
  }

  @Test
  void getListAndDeleteApps() throws IOException {
    fly.createApp("acme", "short-lived");
    RawHttp.Response get = api("GET", "/apps/short-lived", null);
    assertThat(get.status()).isEqualTo(200);
    assertThat(json(get).path("id").asText()).isNotEmpty();
    RawHttp.Response list = api("GET", "/apps?org_slug=acme", null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(json(list).path("total_apps").asInt()).isEqualTo(json(list).path("apps").size());
    assertThat(json(list).path("apps").findValuesAsText("name")).contains("web", "short-lived");
    assertThat(json(list).path("apps").findValuesAsText("name")).doesNotContain("rival-app");

    assertThat(api("DELETE", "/apps/short-lived", null).status()).isEqualTo(202);
    RawHttp.Response gone = api("GET", "/apps/short-lived", null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(fly.appExists("short-lived")).isFalse();
  }

  @Test
  void orgSlugPersonalMeansTheTokensOrganization() throws IOException {
    RawHttp.Response list = api("GET", "/apps?org_slug=personal", null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(json(list).path("apps").findValuesAsText("name")).contains("web");
    assertThat(json(list).path("apps").findValuesAsText("name")).doesNotContain("rival-app");

    RawHttp.Response created =
        api("POST", "/apps", "{\"name\":\"personal-app\",\"org_slug\":\"personal\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(json(created).path("organization").path("slug").asText()).isEqualTo("acme");
    assertThat(fly.appExists("personal-app")).isTrue();
  }

  @Test
  void appOfAnotherOrganizationIs403() {
    assertThat(api("GET", "/apps/rival-app", null).status()).isEqualTo(403);
    assertThat(api("GET", "/apps/rival-app/machines", null).status()).isEqualTo(403);
  }

  private static String createMachine(String imageRef) throws IOException {
    RawHttp.Response r =
        api(
            "POST",
            "/apps/web/machines",
            "{\"name\":\"m\",\"region\":\"ams\",\"config\":{\"image\":\""
                + imageRef
                + "\",\"guest\":{\"cpu_kind\":\"shared\",\"cpus\":1,\"memory_mb\":256},"
                + "\"env\":{\"A\":\"b\"}}}");
    assertThat(r.status()).isEqualTo(200);
    return json(r).path("id").asText();
  }

  @Test
  void createGetListMachines() throws IOException {
    String id = createMachine(image.reference());
    RawHttp.Response get = api("GET", "/apps/web/machines/" + id, null);
    assertThat(get.status()).isEqualTo(200);
    JsonNode m = json(get);
    assertThat(m.path("state").asText()).isEqualTo("started");
    assertThat(m.path("region").asText()).isEqualTo("ams");
    assertThat(m.path("config").path("image").asText()).isEqualTo(image.reference());
    assertThat(m.path("config").path("guest").path("memory_mb").asInt()).isEqualTo(256);
    assertThat(m.path("image_ref").path("digest").asText()).isEqualTo(image.digest().toString());
    RawHttp.Response list = api("GET", "/apps/web/machines", null);
    assertThat(json(list).findValuesAsText("id")).contains(id);
    assertThat(api("GET", "/apps/web/machines/nope", null).status()).isEqualTo(404);
  }

  @Test
  void machineImageOnThisRegistryMustExist() throws IOException {
    RawHttp.Response r =
        api(
            "POST",
            "/apps/web/machines",
            "{\"config\":{\"image\":\"" + fly.registryHost() + "/web:missing\"}}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).path("error").asText()).contains("web:missing");
    RawHttp.Response publicImage =
        api("POST", "/apps/web/machines", "{\"config\":{\"image\":\"flyio/hellofly:latest\"}}");
    assertThat(publicImage.status()).isEqualTo(200);
  }

  @Test
  void leaseGuardsUpdates() throws IOException {
    String id = createMachine(image.reference());
    EmulatedImage v2 = fly.pushImage("web", "v2");
    RawHttp.Response lease =
        api(
            "POST",
            "/apps/web/machines/" + id + "/lease",
            "{\"ttl\":60,\"description\":\"deploy\"}");
    assertThat(lease.status()).isEqualTo(201);
    String nonce = json(lease).path("nonce").asText();
    assertThat(nonce).isNotEmpty();
    assertThat(json(lease).path("expires_at").asLong()).isPositive();
    assertThat(fly.machines("web"))
        .anySatisfy(
            m -> {
              assertThat(m.id()).isEqualTo(id);
              assertThat(m.leased()).isTrue();
            });

    RawHttp.Response second = api("POST", "/apps/web/machines/" + id + "/lease", "{\"ttl\":60}");
    assertThat(second.status()).isEqualTo(409);

    String update = "{\"config\":{\"image\":\"" + v2.reference() + "\"}}";
    RawHttp.Response withoutNonce = api("POST", "/apps/web/machines/" + id, update);
    assertThat(withoutNonce.status()).isEqualTo(409);
    RawHttp.Response wrongNonce =
        api("POST", "/apps/web/machines/" + id, update, "fly-machine-lease-nonce", "wrong");
    assertThat(wrongNonce.status()).isEqualTo(409);

    RawHttp.Response updated =
        api("POST", "/apps/web/machines/" + id, update, "fly-machine-lease-nonce", nonce);
    assertThat(updated.status()).isEqualTo(200);
    assertThat(json(updated).path("config").path("image").asText()).isEqualTo(v2.reference());
    assertThat(json(updated).path("image_ref").path("digest").asText())
        .isEqualTo(v2.digest().toString());

    RawHttp.Response current = api("GET", "/apps/web/machines/" + id + "/lease", null);
    assertThat(json(current).path("nonce").asText()).isEqualTo(nonce);
    RawHttp.Response release =
        api(
            "DELETE",
            "/apps/web/machines/" + id + "/lease",
            null,
            "fly-machine-lease-nonce",
            nonce);
    assertThat(release.status()).isEqualTo(200);
    assertThat(api("GET", "/apps/web/machines/" + id + "/lease", null).status()).isEqualTo(404);
    RawHttp.Response free = api("POST", "/apps/web/machines/" + id, update);
    assertThat(free.status()).isEqualTo(200);
  }

  @Test
  void waitReturnsWhenTheStateIsReachedAndTimesOutWith408() throws IOException {
    String id = createMachine(image.reference());
    RawHttp.Response started = api("GET", "/apps/web/machines/" + id + "/wait?state=started", null);
    assertThat(started.status()).isEqualTo(200);
    assertThat(json(started).path("ok").asBoolean()).isTrue();
    assertThat(json(started).path("state").asText()).isEqualTo("started");

    fly.setMachineState("web", id, "starting");
    RawHttp.Response timeout =
        api("GET", "/apps/web/machines/" + id + "/wait?state=started&timeout=1", null);
    assertThat(timeout.status()).isEqualTo(408);

    RawHttp.Response stop = api("POST", "/apps/web/machines/" + id + "/stop", "{}");
    assertThat(stop.status()).isEqualTo(200);
    RawHttp.Response stopped = api("GET", "/apps/web/machines/" + id + "/wait?state=stopped", null);
    assertThat(json(stopped).path("state").asText()).isEqualTo("stopped");
  }

  @Test
  void waitForAStateOutsideTheEnumIs400AtOnce() throws IOException {
    String id = createMachine(image.reference());
    long start = System.nanoTime();
    RawHttp.Response r =
        api("GET", "/apps/web/machines/" + id + "/wait?state=stopped,bogus&timeout=5", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).path("error").asText()).contains("bogus").contains("settled");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void destroyNeedsForceForARunningMachineAndLeavesItReadable() throws IOException {
    String id = createMachine(image.reference());
    RawHttp.Response refused = api("DELETE", "/apps/web/machines/" + id, null);
    assertThat(refused.status()).isEqualTo(412);
    assertThat(json(refused).path("error").asText()).contains("started").contains("force=true");
    assertThat(json(api("GET", "/apps/web/machines/" + id, null)).path("state").asText())
        .isEqualTo("started");

    assertThat(api("DELETE", "/apps/web/machines/" + id + "?force=true", null).status())
        .isEqualTo(200);
    RawHttp.Response get = api("GET", "/apps/web/machines/" + id, null);
    assertThat(get.status()).isEqualTo(200);
    assertThat(json(get).path("state").asText()).isEqualTo("destroyed");
    RawHttp.Response waited =
        api("GET", "/apps/web/machines/" + id + "/wait?state=destroyed", null);
    assertThat(waited.status()).isEqualTo(200);
    assertThat(json(waited).path("state").asText()).isEqualTo("destroyed");
    assertThat(json(api("GET", "/apps/web/machines", null)).findValuesAsText("id"))
        .doesNotContain(id);
    assertThat(
            json(api("GET", "/apps/web/machines?include_deleted=true", null))
                .findValuesAsText("id"))
        .contains(id);

    String stopped = createMachine(image.reference());
    assertThat(api("POST", "/apps/web/machines/" + stopped + "/stop", "{}").status())
        .isEqualTo(200);
    assertThat(api("DELETE", "/apps/web/machines/" + stopped, null).status()).isEqualTo(200);
    assertThat(json(api("GET", "/apps/web/machines/" + stopped, null)).path("state").asText())
        .isEqualTo("destroyed");
  }

  @Test
  void aSingleNameImageIsADockerHubImageForMachinesAndGraphql() throws IOException {
    // "web:v1" is docker.io/library/web:v1, not the app web's image on this registry
    String id = createMachine("web:v1");
    JsonNode m = json(api("GET", "/apps/web/machines/" + id, null));
    assertThat(m.path("image_ref").path("repository").asText()).isEqualTo("library/web");
    assertThat(m.path("image_ref").path("digest").asText()).isEmpty();
    RawHttp.Response gql =
        send(
            "POST",
            fly.graphqlUrl(),
            "{\"query\":\"{ app(name: \\\"web\\\") { image(ref: \\\"web:v1\\\") { digest } } }\"}",
            "Authorization",
            "Bearer " + token,
            "Content-Type",
            "application/json");
    assertThat(gql.status()).isEqualTo(200);
    assertThat(json(gql).path("data").path("app").path("image").isNull()).isTrue();
  }

  @Test
  void waitWakesUpWhenAnotherRequestChangesTheState() throws Exception {
    try (FlyEmulator slow = FlyEmulator.start()) {
      slow.createOrganization("o");
      String t = slow.createToken("o");
      slow.createApp("o", "a");
      String id = slow.createMachine("a", "flyio/hellofly:latest");
      slow.setMachineState("a", id, "stopped");
      var pending =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () ->
                  send(
                      "GET",
                      slow.machinesUrl()
                          + "/apps/a/machines/"
                          + id
                          + "/wait?state=started&timeout=30",
                      (String) null,
                      "Authorization",
                      "Bearer " + t));
      RawHttp.Response start =
          send(
              "POST",
              slow.machinesUrl() + "/apps/a/machines/" + id + "/start",
              "{}",
              "Authorization",
              "Bearer " + t);
      assertThat(start.status()).isEqualTo(200);
      RawHttp.Response waited = pending.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(waited.status()).isEqualTo(200);
      assertThat(JSON.readTree(waited.body()).path("state").asText()).isEqualTo("started");
    }
  }

  @Test
  void otherOrganizationTokenCannotTouchMachines() {
    String id = fly.createMachine("web", image.reference());
    RawHttp.Response r =
        send(
            "GET",
            fly.machinesUrl() + "/apps/web/machines/" + id,
            (String) null,
            "Authorization",
            "FlyV1 " + otherToken);
    assertThat(r.status()).isEqualTo(403);
  }
}
