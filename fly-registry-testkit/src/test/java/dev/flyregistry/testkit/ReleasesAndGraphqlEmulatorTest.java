package dev.flyregistry.testkit;

import static dev.flyregistry.testkit.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FlyEmulatorExtension.class)
class ReleasesAndGraphqlEmulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The releases query as Fly's guide documents it. */
  private static final String DOCUMENTED =
      "query($appName: String!, $limit: Int!) { app(name: $appName) { releases:"
          + " releasesUnprocessed(first: $limit) { nodes { id version description reason status"
          + " imageRef stable user { id email name } createdAt } } } }";

  private static final String PAGE =
      "query Page($appName: String!, $first: Int!, $after: String) { app(name: $appName) {"
          + " releasesUnprocessed(first: $first, after: $after) { totalCount pageInfo {"
          + " hasNextPage endCursor } nodes { version imageRef } } } }";

  static String token;
  static String rivalToken;

  @org.junit.jupiter.api.AfterAll
  static void noEmulatorFailures(FlyEmulator fly) {
    assertThat(fly.metrics().internalErrors()).isEmpty();
  }

  @BeforeAll
  static void setUp(FlyEmulator fly) {
    fly.createOrganization("acme");
    fly.createOrganization("rival");
    token = fly.createToken("acme", "dev@acme.test", "Dev Eloper");
    rivalToken = fly.createToken("rival");
    fly.createApp("acme", "paged");
    fly.createApp("acme", "deployed");
    fly.createApp("rival", "hidden");
    for (int i = 1; i <= 7; i++) {
      fly.addRelease("paged", "registry.fly.io/paged:v" + i, i == 7 ? "failed" : "complete");
    }
  }

  private static JsonNode graphql(FlyEmulator fly, String auth, String query, Map<String, ?> vars)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("query", query);
    body.set("variables", JSON.valueToTree(vars));
    RawHttp.Response r =
        send(
            "POST",
            fly.graphqlUrl(),
            JSON.writeValueAsString(body),
            "Content-Type",
            "application/json",
            "Authorization",
            auth);
    assertThat(r.status()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void documentedReleasesQueryAnswersNewestFirst(FlyEmulator fly) throws IOException {
    JsonNode r = graphql(fly, "FlyV1 " + token, DOCUMENTED, Map.of("appName", "paged", "limit", 3));
    assertThat(r.has("errors")).isFalse();
    JsonNode nodes = r.path("data").path("app").path("releases").path("nodes");
    assertThat(nodes.size()).isEqualTo(3);
    assertThat(nodes.path(0).path("version").asInt()).isEqualTo(7);
    assertThat(nodes.path(0).path("status").asText()).isEqualTo("failed");
    assertThat(nodes.path(0).path("stable").asBoolean()).isFalse();
    assertThat(nodes.path(1).path("imageRef").asText()).isEqualTo("registry.fly.io/paged:v6");
    assertThat(nodes.path(1).path("user").isNull()).isTrue();
    assertThat(nodes.path(1).path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void paginationWalksEveryReleaseOnce(FlyEmulator fly) throws IOException {
    List<Integer> versions = new ArrayList<>();
    String after = null;
    int pages = 0;
    while (true) {
      Map<String, Object> vars = new java.util.HashMap<>();
      vars.put("appName", "paged");
      vars.put("first", 3);
      vars.put("after", after);
      JsonNode conn =
          graphql(fly, "Bearer " + token, PAGE, vars)
              .path("data")
              .path("app")
              .path("releasesUnprocessed");
      assertThat(conn.path("totalCount").asInt()).isEqualTo(7);
      conn.path("nodes").forEach(n -> versions.add(n.path("version").asInt()));
      pages++;
      if (!conn.path("pageInfo").path("hasNextPage").asBoolean()) {
        break;
      }
      after = conn.path("pageInfo").path("endCursor").asText();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(versions).containsExactly(7, 6, 5, 4, 3, 2, 1);
  }

  @Test
  void unknownOrForeignAppIsNotFoundInErrors(FlyEmulator fly) throws IOException {
    for (String app : List.of("no-such-app", "hidden")) {
      JsonNode r = graphql(fly, "FlyV1 " + token, DOCUMENTED, Map.of("appName", app, "limit", 1));
      assertThat(r.path("data").path("app").isNull()).isTrue();
      assertThat(r.path("errors").path(0).path("extensions").path("code").asText())
          .isEqualTo("NOT_FOUND");
      assertThat(r.path("errors").path(0).path("path").toString()).isEqualTo("[\"app\"]");
    }
  }

  @Test
  void unauthenticatedIs401WithUnauthorizedCode(FlyEmulator fly) throws IOException {
    RawHttp.Response r =
        send(
            "POST",
            fly.graphqlUrl(),
            "{\"query\":\"{ appNameAvailable(name: \\\"x\\\") }\"}",
            "Content-Type",
            "application/json");
    assertThat(r.status()).isEqualTo(401);
    assertThat(
            JSON.readTree(r.body()).path("errors").path(0).path("extensions").path("code").asText())
        .isEqualTo("UNAUTHORIZED");
  }

  @Test
  void invalidQueryIsAValidationErrorWithStatus200(FlyEmulator fly) throws IOException {
    JsonNode r = graphql(fly, "Bearer " + token, "{ app(name: \"paged\") { nope } }", Map.of());
    assertThat(r.path("errors").size()).isPositive();
    assertThat(r.path("errors").path(0).path("message").asText()).contains("nope");
  }

  @Test
  void appNameAvailable(FlyEmulator fly) throws IOException {
    String q = "query($name: String!) { appNameAvailable(name: $name) }";
    assertThat(
            graphql(fly, "Bearer " + token, q, Map.of("name", "hidden"))
                .path("data")
                .path("appNameAvailable")
                .asBoolean())
        .isFalse();
    assertThat(
            graphql(fly, "Bearer " + token, q, Map.of("name", "brand-new"))
                .path("data")
                .path("appNameAvailable")
                .asBoolean())
        .isTrue();
  }

  @Test
  void imageResolvesDigestSizeAndManifest(FlyEmulator fly) throws IOException {
    fly.createApp("acme", "imaged");
    EmulatedImage image =
        fly.pushImage(
            "imaged",
            "v1",
            dev.flyregistry.registry.MediaTypes.OCI_MANIFEST,
            new byte[100],
            new byte[50]);
    String q =
        "query($app: String!, $ref: String!) { app(name: $app) { image(ref: $ref) { id digest ref"
            + " compressedSizeFull manifest } } }";
    JsonNode img =
        graphql(
                fly,
                "Bearer " + token,
                q,
                Map.of("app", "imaged", "ref", "registry.fly.io/imaged:v1"))
            .path("data")
            .path("app")
            .path("image");
    assertThat(img.path("digest").asText()).isEqualTo(image.digest().toString());
    assertThat(img.path("compressedSizeFull").asText()).isEqualTo("150");
    assertThat(img.path("manifest").path("layers").size()).isEqualTo(2);
    assertThat(img.path("ref").asText()).isEqualTo("registry.fly.io/imaged:v1");

    JsonNode local =
        graphql(fly, "Bearer " + token, q, Map.of("app", "imaged", "ref", image.reference()))
            .path("data")
            .path("app")
            .path("image");
    assertThat(local.path("digest").asText()).isEqualTo(image.digest().toString());

    String q2 =
        "query($app: String!, $ref: String!) { app(name: $app) { image(ref: $ref) { digest ref"
            + " tag } } }";
    String pinned = "registry.fly.io/imaged@" + image.digest();
    JsonNode byDigest =
        graphql(fly, "Bearer " + token, q2, Map.of("app", "imaged", "ref", pinned))
            .path("data")
            .path("app")
            .path("image");
    assertThat(byDigest.path("digest").asText()).isEqualTo(image.digest().toString());
    assertThat(byDigest.path("ref").asText()).isEqualTo(pinned);
    assertThat(byDigest.path("tag").isNull()).isTrue();
    fly.pushImage("imaged", "latest");
    JsonNode untagged =
        graphql(
                fly,
                "Bearer " + token,
                q2,
                Map.of("app", "imaged", "ref", "registry.fly.io/imaged"))
            .path("data")
            .path("app")
            .path("image");
    assertThat(untagged.path("tag").asText()).isEqualTo("latest"); // no tag, no digest: latest

    JsonNode missing =
        graphql(
            fly,
            "Bearer " + token,
            q,
            Map.of("app", "imaged", "ref", "registry.fly.io/imaged:nope"));
    assertThat(missing.path("data").path("app").path("image").isNull()).isTrue();
    assertThat(missing.has("errors")).isFalse();
  }

  @Test
  void restReleaseRecordsAndCurrentRelease(FlyEmulator fly) throws IOException {
    fly.createApp("acme", "recorded");
    String create =
        "{\"app_name\":\"recorded\",\"image\":\"registry.fly.io/recorded:v1\","
            + "\"platform_version\":\"machines\",\"strategy\":\"rolling\",\"description\":\"d\"}";
    RawHttp.Response created =
        send(
            "POST",
            fly.releasesUrl() + "/releases",
            create,
            "Content-Type",
            "application/json",
            "Authorization",
            "FlyV1 " + token);
    assertThat(created.status()).isEqualTo(201);
    JsonNode rel = JSON.readTree(created.body());
    assertThat(rel.path("version").asInt()).isEqualTo(1);
    String id = rel.path("id").asText();

    String current =
        "query($a: String!) { app(name: $a) { currentReleaseUnprocessed { version status imageRef"
            + " user { email name } } } }";
    assertThat(
            graphql(fly, "Bearer " + token, current, Map.of("a", "recorded"))
                .path("data")
                .path("app")
                .path("currentReleaseUnprocessed")
                .isNull())
        .isTrue();

    RawHttp.Response done =
        send(
            "PATCH",
            fly.releasesUrl() + "/releases/" + id,
            "{\"status\":\"complete\"}",
            "Content-Type",
            "application/json",
            "Authorization",
            "FlyV1 " + token);
    assertThat(done.status()).isEqualTo(200);
    assertThat(JSON.readTree(done.body()).path("status").asText()).isEqualTo("complete");
    JsonNode cur =
        graphql(fly, "Bearer " + token, current, Map.of("a", "recorded"))
            .path("data")
            .path("app")
            .path("currentReleaseUnprocessed");
    assertThat(cur.path("imageRef").asText()).isEqualTo("registry.fly.io/recorded:v1");
    assertThat(cur.path("user").path("email").asText()).isEqualTo("dev@acme.test");
    assertThat(cur.path("user").path("name").asText()).isEqualTo("Dev Eloper");
    assertThat(fly.releases("recorded"))
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo("complete"));
  }

  @Test
  void releaseRecordsNeedAuthAndAVisibleApp(FlyEmulator fly) {
    String body = "{\"app_name\":\"hidden\",\"image\":\"x/y:z\"}";
    assertThat(
            send("POST", fly.releasesUrl() + "/releases", body, "Content-Type", "application/json")
                .status())
        .isEqualTo(401);
    assertThat(
            send(
                    "POST",
                    fly.releasesUrl() + "/releases",
                    body,
                    "Content-Type",
                    "application/json",
                    "Authorization",
                    "Bearer " + token)
                .status())
        .isEqualTo(404);
    assertThat(
            send(
                    "POST",
                    fly.releasesUrl() + "/releases",
                    "{\"app_name\":\"paged\"}",
                    "Content-Type",
                    "application/json",
                    "Authorization",
                    "Bearer " + token)
                .status())
        .isEqualTo(400);
    assertThat(
            send(
                    "PATCH",
                    fly.releasesUrl() + "/releases/nope",
                    "{\"status\":\"complete\"}",
                    "Content-Type",
                    "application/json",
                    "Authorization",
                    "Bearer " + token)
                .status())
        .isEqualTo(404);
  }

  @Test
  void deployLoopClosesFromMachineUpdateToGraphqlImageRef(FlyEmulator fly) throws IOException {
    fly.createApp("acme", "loop");
    EmulatedImage v1 = fly.pushImage("loop", "v1");
    EmulatedImage v2 = fly.pushImage("loop", "v2");
    String machine = fly.createMachine("loop", v1.reference());
    String auth = "FlyV1 " + token;

    // what a deploy does: record, lease, update the image, wait, release the lease, finish
    RawHttp.Response rel =
        send(
            "POST",
            fly.releasesUrl() + "/releases",
            "{\"app_name\":\"loop\",\"image\":\"" + v2.reference() + "\"}",
            "Content-Type",
            "application/json",
            "Authorization",
            auth);
    String releaseId = JSON.readTree(rel.body()).path("id").asText();
    String m = fly.machinesUrl() + "/apps/loop/machines/" + machine;
    String nonce =
        JSON.readTree(
                send(
                        "POST",
                        m + "/lease",
                        "{\"ttl\":30}",
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        auth)
                    .body())
            .path("nonce")
            .asText();
    RawHttp.Response update =
        send(
            "POST",
            m,
            "{\"config\":{\"image\":\"" + v2.reference() + "\"}}",
            "Content-Type",
            "application/json",
            "Authorization",
            auth,
            "fly-machine-lease-nonce",
            nonce);
    assertThat(update.status()).isEqualTo(200);
    assertThat(
            send("GET", m + "/wait?state=started&timeout=10", (String) null, "Authorization", auth)
                .status())
        .isEqualTo(200);
    assertThat(
            send(
                    "DELETE",
                    m + "/lease",
                    (String) null,
                    "Authorization",
                    auth,
                    "fly-machine-lease-nonce",
                    nonce)
                .status())
        .isEqualTo(200);
    send(
        "PATCH",
        fly.releasesUrl() + "/releases/" + releaseId,
        "{\"status\":\"complete\"}",
        "Content-Type",
        "application/json",
        "Authorization",
        auth);

    JsonNode nodes =
        graphql(fly, auth, DOCUMENTED, Map.of("appName", "loop", "limit", 5))
            .path("data")
            .path("app")
            .path("releases")
            .path("nodes");
    assertThat(nodes.size()).isEqualTo(1);
    assertThat(nodes.path(0).path("imageRef").asText()).isEqualTo(v2.reference());
    assertThat(nodes.path(0).path("status").asText()).isEqualTo("complete");
    assertThat(fly.machines("loop"))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.image()).isEqualTo(v2.reference());
              assertThat(x.leased()).isFalse();
            });
  }
}
