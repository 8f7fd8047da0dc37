package dev.flyregistry.graphql;

import static dev.flyregistry.graphql.Fixtures.body;
import static dev.flyregistry.graphql.Fixtures.bodyText;
import static dev.flyregistry.graphql.Fixtures.json;
import static dev.flyregistry.graphql.Fixtures.release;
import static dev.flyregistry.graphql.Fixtures.releasesAnswer;
import static dev.flyregistry.graphql.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.auth.AuthException;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.registry.ImageReference;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GraphqlClientTest {
  static final String USER_TOKEN = "fo1_usertokenvalue0123456789";
  static final String MACAROON = "fm2_macaroonpartvalue0123456789";

  final MockWebServer server = new MockWebServer();
  GraphqlClient client;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    client = client(FlyToken.parse(USER_TOKEN));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  GraphqlClient client(FlyToken token) {
    return GraphqlClient.builder()
        .token(token)
        .endpoint(server.url("/graphql").toString())
        .http(HttpSettings.defaults().withSleeper(d -> {}))
        .build();
  }

  @Test
  void listSendsTheDocumentedQueryWithPageInfoAndDecodesReleases() throws Exception {
    server.enqueue(
        json(
            releasesAnswer(
                List.of(
                    release(2, "registry.fly.io/my-app-name:deployment-2", "a@example.com", "Ann"),
                    release(
                        1, "registry.fly.io/my-app-name:deployment-1", "b@example.com", "Bo")))));

    List<Release> releases = client.releases().list("my-app-name", 25);

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/graphql");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(bodyText(request))
        .isEqualTo(
            "{\"query\":\"query($appName: String!, $limit: Int!) { app(name: $appName) {"
                + " releases: releasesUnprocessed(first: $limit) { nodes { id version description"
                + " reason status imageRef stable user { id email name } createdAt }"
                + " pageInfo { hasNextPage endCursor } } } }\","
                + "\"variables\":{\"appName\":\"my-app-name\",\"limit\":25}}");

    assertThat(releases).hasSize(2);
    Release newest = releases.get(0);
    assertThat(newest.id()).isEqualTo("rel_2");
    assertThat(newest.version()).isEqualTo(2);
    assertThat(newest.description()).isEqualTo("Deploy image v2");
    assertThat(newest.reason()).isEqualTo("deploy");
    assertThat(newest.status()).isEqualTo("complete");
    assertThat(newest.isComplete()).isTrue();
    assertThat(newest.imageRef()).contains("registry.fly.io/my-app-name:deployment-2");
    assertThat(newest.stable()).isTrue();
    assertThat(newest.user())
        .contains(new ReleaseUser("user_1", "a@example.com", Optional.of("Ann")));
    assertThat(newest.createdAt()).isEqualTo(Instant.parse("2026-11-02T10:00:00Z"));
    assertThat(releases.get(1).version()).isEqualTo(1);
  }

  @Test
  void nullUserNameAndImageRefBecomeEmptyOptionals() {
    var noUser = release(3, null, null, null);
    var noName = release(2, "registry.fly.io/app:v2", "c@example.com", null);
    server.enqueue(json(releasesAnswer(List.of(noUser, noName))));

    List<Release> releases = client.releases().list("app", 10);

    assertThat(releases.get(0).user()).isEmpty();
    assertThat(releases.get(0).imageRef()).isEmpty();
    assertThat(releases.get(0).userEmail()).isEmpty();
    assertThat(releases.get(1).user()).isPresent();
    assertThat(releases.get(1).user().get().name()).isEmpty();
    assertThat(releases.get(1).user().get().email()).isEqualTo("c@example.com");
  }

  @Test
  void offsetsAndFractionsInCreatedAtAreParsed() {
    var node = release(1, "img", null, null);
    node.put("createdAt", "2026-11-20T10:00:00.250+01:00");
    server.enqueue(json(releasesAnswer(List.of(node))));

    assertThat(client.releases().list("app", 1).get(0).createdAt())
        .isEqualTo(Instant.parse("2026-11-20T09:00:00.250Z"));
  }

  @Test
  void unknownStatusIsKeptAsText() {
    var node = release(1, "img", null, null);
    node.put("status", "reverted");
    server.enqueue(json(releasesAnswer(List.of(node))));

    Release r = client.releases().list("app", 1).get(0);
    assertThat(r.status()).isEqualTo("reverted");
    assertThat(r.releaseStatus()).isEqualTo(ReleaseStatus.UNKNOWN);
    assertThat(r.isComplete()).isFalse();
    assertThat(r.isFailed()).isFalse();
  }

  @Test
  void userTokenIsSentAsBearer() throws Exception {
    server.enqueue(json(releasesAnswer(List.of())));
    client.releases().list("app", 1);
    assertThat(server.takeRequest().getHeaders().get("Authorization"))
        .isEqualTo("Bearer " + USER_TOKEN);
  }

  @Test
  void macaroonTokenIsSentAsFlyV1() throws Exception {
    try (GraphqlClient fly = client(FlyToken.parse("FlyV1 " + MACAROON))) {
      server.enqueue(json(releasesAnswer(List.of())));
      fly.releases().list("app", 1);
    }
    assertThat(server.takeRequest().getHeaders().get("Authorization"))
        .isEqualTo("FlyV1 " + MACAROON);
  }

  @Test
  void errorsWithoutDataKeepEveryEntry() {
    server.enqueue(
        json(
            "{\"errors\":["
                + "{\"message\":\"first broke\",\"path\":[\"app\",\"releases\",\"nodes\",3,\"user\"],"
                + "\"locations\":[{\"line\":1,\"column\":42}],"
                + "\"extensions\":{\"code\":\"INTERNAL\",\"requestId\":\"r-1\"}},"
                + "{\"message\":\"second broke\"}]}"));

    GraphqlException e =
        catchThrowableOfType(GraphqlException.class, () -> client.releases().list("app", 5));

    assertThat(e).isNotInstanceOf(AppNotFoundException.class);
    assertThat(e.errors()).hasSize(2);
    GraphqlError first = e.errors().get(0);
    assertThat(first.message()).isEqualTo("first broke");
    assertThat(first.path()).containsExactly("app", "releases", "nodes", 3, "user");
    assertThat(first.pathString()).isEqualTo("app.releases.nodes[3].user");
    assertThat(first.locations()).containsExactly(new GraphqlError.Location(1, 42));
    assertThat(first.code()).contains("INTERNAL");
    assertThat(first.extensions()).containsEntry("requestId", "r-1");
    assertThat(e.errors().get(1).message()).isEqualTo("second broke");
    assertThat(e.errors().get(1).code()).isEmpty();
    assertThat(e.partialData()).isEmpty();
    assertThat(e.partialDataJson()).isEmpty();
    assertThat(e.getMessage()).contains("2 errors", "first broke", "second broke", "[INTERNAL]");
  }

  @Test
  void manyErrorsAreAllKeptButTheMessageStaysShort() {
    StringBuilder errors = new StringBuilder();
    for (int i = 1; i <= 7; i++) {
      errors.append(i > 1 ? "," : "").append("{\"message\":\"problem ").append(i).append("\"}");
    }
    server.enqueue(json("{\"errors\":[" + errors + "]}"));

    GraphqlException e =
        catchThrowableOfType(GraphqlException.class, () -> client.execute("{ x }", Map.of()));

    assertThat(e.errors()).extracting(GraphqlError::message).hasSize(7).endsWith("problem 7");
    assertThat(e.getMessage())
        .contains("7 errors", "problem 5", "and 2 more")
        .doesNotContain("problem 6");
  }

  @Test
  void errorsWithPartialDataKeepTheData() {
    server.enqueue(
        json(
            "{\"data\":{\"app\":{\"releases\":{\"nodes\":[null]}}},"
                + "\"errors\":[{\"message\":\"user lookup failed\","
                + "\"path\":[\"app\",\"releases\",\"nodes\",0],\"extensions\":{\"code\":\"X\"}}]}"));

    GraphqlException e =
        catchThrowableOfType(GraphqlException.class, () -> client.releases().list("app", 5));

    assertThat(e.errors()).singleElement().satisfies(err -> assertThat(err.code()).contains("X"));
    assertThat(e.partialData()).isPresent();
    @SuppressWarnings("unchecked")
    Map<String, Object> app = (Map<String, Object>) e.partialData().get().get("app");
    assertThat(app).containsKey("releases");
    assertThat(e.partialDataJson()).contains("{\"app\":{\"releases\":{\"nodes\":[null]}}}");
  }

  @Test
  void badGatewayIsRetriedForQueries() {
    server.enqueue(status(502, "bad gateway"));
    server.enqueue(json(releasesAnswer(List.of(release(1, "img", null, null)))));

    assertThat(client.releases().list("app", 1)).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void serviceUnavailableUntilAttemptsRunOutIsATransportErrorWithABoundedBody() {
    String big = "x".repeat(10_000);
    for (int i = 0; i < 4; i++) {
      server.enqueue(status(503, big));
    }

    GraphqlTransportException e =
        catchThrowableOfType(
            GraphqlTransportException.class, () -> client.releases().list("app", 1));

    assertThat(e.status()).hasValue(503);
    assertThat(e.body()).hasSizeLessThanOrEqualTo(2048).startsWith("xxxx");
    assertThat(e.getMessage()).contains("HTTP 503").hasSizeLessThan(1000);
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void otherServerErrorsAreNotRetried() {
    server.enqueue(status(500, "boom"));
    server.enqueue(json(releasesAnswer(List.of())));

    GraphqlTransportException e =
        catchThrowableOfType(
            GraphqlTransportException.class, () -> client.releases().list("app", 1));

    assertThat(e.status()).hasValue(500);
    assertThat(e.body()).isEqualTo("boom");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void mutationIsNotRetriedOnBadGateway() {
    server.enqueue(status(502, "bad gateway"));
    server.enqueue(json("{\"data\":{\"x\":1}}"));

    GraphqlTransportException e =
        catchThrowableOfType(
            GraphqlTransportException.class,
            () ->
                client.execute(
                    "mutation { deleteApp(appId: \"a\") { organization { id } } }", Map.of()));

    assertThat(e.status()).hasValue(502);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void mutationIsNotRepeatedWhenTheConnectionDropsAfterSending() {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(json("{\"data\":{\"x\":1}}"));

    assertThatThrownBy(
            () ->
                client.execute(
                    "mutation Go { deleteApp(appId: \"a\") { organization { id } } }", Map.of()))
        .isInstanceOf(GraphqlTransportException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void queryIsRepeatedWhenTheConnectionDrops() {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(json(releasesAnswer(List.of(release(1, "img", null, null)))));

    assertThat(client.releases().list("app", 1)).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void queryIsRepeatedWhenTheBodyIsCutOff() {
    String full = releasesAnswer(List.of(release(1, "img", null, null)));
    server.enqueue(
        new MockResponse.Builder()
            .body(full)
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(json(full));

    assertThat(client.releases().list("app", 1)).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void retriesStopAfterTheConfiguredAttempts() {
    try (GraphqlClient once =
        GraphqlClient.builder()
            .token(FlyToken.parse(USER_TOKEN))
            .endpoint(server.url("/graphql").toString())
            .http(
                HttpSettings.defaults()
                    .withSleeper(d -> {})
                    .withRetry(dev.flyregistry.http.RetrySettings.none()))
            .build()) {
      server.enqueue(status(502, "bad gateway"));
      assertThatThrownBy(() -> once.releases().list("app", 1))
          .isInstanceOf(GraphqlTransportException.class);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void http401IsAnAuthErrorWithoutTheToken() {
    server.enqueue(status(401, "{\"errors\":[{\"message\":\"bad token\"}]}"));

    GraphqlAuthException e =
        catchThrowableOfType(GraphqlAuthException.class, () -> client.releases().list("app", 1));

    assertThat(e).isInstanceOf(AuthException.class);
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.errors()).extracting(GraphqlError::message).containsExactly("bad token");
    assertThat(e.getMessage()).contains("401", "explicit token").doesNotContain(USER_TOKEN);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void unauthorizedCodeIsAnAuthError() {
    server.enqueue(
        json(
            "{\"data\":null,\"errors\":[{\"message\":\"You must be authenticated to view this.\","
                + "\"extensions\":{\"code\":\"UNAUTHORIZED\"}}]}"));

    GraphqlAuthException e =
        catchThrowableOfType(GraphqlAuthException.class, () -> client.releases().list("app", 1));

    assertThat(e.status()).isEqualTo(200);
    assertThat(e.errors())
        .singleElement()
        .satisfies(x -> assertThat(x.code()).contains("UNAUTHORIZED"));
    assertThat(e.getMessage()).contains("You must be authenticated").doesNotContain(USER_TOKEN);
  }

  @Test
  void malformedJsonIsATypedError() {
    server.enqueue(json("{\"data\": {\"app\": "));

    Throwable t =
        catchThrowableOfType(
            GraphqlProtocolException.class, () -> client.releases().list("app", 1));

    assertThat(t)
        .hasMessageContaining("malformed JSON")
        .hasMessageContaining("releases of app 'app'");
  }

  @Test
  void htmlFromAProxyIsATypedError() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html")
            .body("<html>maintenance</html>")
            .build());

    assertThatThrownBy(() -> client.releases().list("app", 1))
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("text/html")
        .hasMessageContaining("<html>maintenance");
  }

  @Test
  void answersWithoutDataOrErrorsOrThatAreNotObjectsAreTypedErrors() {
    server.enqueue(json("{}"));
    server.enqueue(json("[1,2]"));
    server.enqueue(json(""));

    assertThatThrownBy(() -> client.releases().list("app", 1))
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("neither 'data' nor 'errors'");
    assertThatThrownBy(() -> client.releases().list("app", 1))
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("not an object");
    assertThatThrownBy(() -> client.releases().list("app", 1))
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("empty body");
  }

  @Test
  void wrongFieldTypesNameTheirPath() {
    var node = release(1, "img", null, null);
    node.put("version", "one");
    server.enqueue(json(releasesAnswer(List.of(release(2, "img", null, null), node))));

    assertThatThrownBy(() -> client.releases().list("app", 2))
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("data.app.releases.nodes[1].version must be an Int")
        .hasMessageContaining("\"one\"");
  }

  @Test
  void nullAppIsAppNotFound() {
    server.enqueue(json("{\"data\":{\"app\":null}}"));

    AppNotFoundException e =
        catchThrowableOfType(AppNotFoundException.class, () -> client.releases().list("ghost", 1));

    assertThat(e.app()).isEqualTo("ghost");
    assertThat(e.errors()).isEmpty();
    assertThat(e.getMessage()).contains("'ghost'");
  }

  @Test
  void notFoundCodeIsAppNotFound() {
    server.enqueue(
        json(
            "{\"data\":{\"app\":null},\"errors\":[{\"message\":\"Could not find App \\\"ghost\\\"\","
                + "\"path\":[\"app\"],\"extensions\":{\"code\":\"NOT_FOUND\"}}]}"));

    AppNotFoundException e =
        catchThrowableOfType(AppNotFoundException.class, () -> client.releases().list("ghost", 1));

    assertThat(e.app()).isEqualTo("ghost");
    assertThat(e.errors())
        .singleElement()
        .satisfies(x -> assertThat(x.code()).contains("NOT_FOUND"));
    assertThat(e.getMessage()).contains("'ghost'", "Could not find App");
  }

  @Test
  void tokenEchoedByTheServerIsRedacted() {
    server.enqueue(status(500, "upstream said: Authorization: Bearer " + USER_TOKEN));

    GraphqlTransportException e =
        catchThrowableOfType(
            GraphqlTransportException.class, () -> client.releases().list("app", 1));

    assertThat(e.getMessage()).doesNotContain(USER_TOKEN).contains("REDACTED");
    assertThat(e.body()).doesNotContain(USER_TOKEN);
    assertThat(client.toString()).doesNotContain(USER_TOKEN);
  }

  @Test
  void executeReturnsDataAsPlainValuesAndJson() throws Exception {
    server.enqueue(
        json(
            "{\"data\":{\"viewer\":{\"email\":\"a@example.com\",\"n\":3,\"f\":1.5,\"ok\":true,"
                + "\"list\":[1,null]}},\"extensions\":{\"cost\":2}}"));

    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("s", "x");
    vars.put("n", 3);
    vars.put("none", null);
    vars.put("list", List.of(1, 2));
    vars.put("opt", Optional.of("y"));
    GraphqlResponse r = client.execute("query Me($s: String) { viewer { email } }", vars, "Me");

    JsonNode sent = body(server.takeRequest());
    assertThat(sent.get("operationName").asText()).isEqualTo("Me");
    assertThat(sent.get("variables").toString())
        .isEqualTo("{\"s\":\"x\",\"n\":3,\"none\":null,\"list\":[1,2],\"opt\":\"y\"}");
    @SuppressWarnings("unchecked")
    Map<String, Object> viewer = (Map<String, Object>) r.data().get("viewer");
    assertThat(viewer)
        .containsEntry("email", "a@example.com")
        .containsEntry("n", 3L)
        .containsEntry("f", 1.5)
        .containsEntry("ok", true);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) viewer.get("list");
    assertThat(list).containsExactly(1L, null);
    assertThat(r.dataJson()).startsWith("{\"viewer\":{\"email\":\"a@example.com\"");
    assertThat(r.extensions()).containsEntry("cost", 2L);
  }

  @Test
  void executeWithoutOperationNameOmitsIt() throws Exception {
    server.enqueue(json("{\"data\":{\"x\":1}}"));
    client.execute("{ x }", Map.of());
    JsonNode sent = body(server.takeRequest());
    assertThat(sent.has("operationName")).isFalse();
    assertThat(sent.get("variables").toString()).isEqualTo("{}");
  }

  @Test
  void unsupportedVariableTypesAreRejectedBeforeSending() {
    assertThatThrownBy(() -> client.execute("{ x }", Map.of("bad", new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$bad");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void badArgumentsAreRejected() {
    assertThatThrownBy(() -> client.releases().list("", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.releases().list("app", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.releases().iterator("app", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.resolveImage("app", " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void closedClientRefusesWork() {
    client.close();
    assertThatThrownBy(() -> client.releases().list("app", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void builderRejectsPlainHttpToRemoteHostsAndMissingTokens() {
    assertThatThrownBy(
            () ->
                GraphqlClient.builder()
                    .token(FlyToken.parse(USER_TOKEN))
                    .endpoint("http://api.fly.io/graphql"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https");
    assertThatThrownBy(() -> GraphqlClient.builder().endpoint("not a url"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GraphqlClient.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("token");
    try (GraphqlClient c = GraphqlClient.builder().token(FlyToken.parse(USER_TOKEN)).build()) {
      assertThat(c.endpoint()).isEqualTo("https://api.fly.io/graphql");
    }
  }

  @Test
  void appNameAvailableSendsTheName() throws Exception {
    server.enqueue(json("{\"data\":{\"appNameAvailable\":true}}"));
    server.enqueue(json("{\"data\":{\"appNameAvailable\":false}}"));

    assertThat(client.appNameAvailable("fresh-name")).isTrue();
    assertThat(client.appNameAvailable("taken-name")).isFalse();
    assertThat(body(server.takeRequest()).get("variables").toString())
        .isEqualTo("{\"name\":\"fresh-name\"}");
  }

  @Test
  void currentImageComesFromTheCurrentRelease() throws Exception {
    var current = release(7, "registry.fly.io/app:v7", "a@example.com", null);
    server.enqueue(json("{\"data\":{\"app\":{\"currentReleaseUnprocessed\":" + current + "}}}"));
    server.enqueue(json("{\"data\":{\"app\":{\"currentReleaseUnprocessed\":null}}}"));

    assertThat(client.currentImage("app")).contains(ImageReference.parse("registry.fly.io/app:v7"));
    assertThat(client.currentImage("app")).isEmpty();
    JsonNode sent = body(server.takeRequest());
    assertThat(sent.get("query").asText()).contains("currentReleaseUnprocessed");
    assertThat(sent.get("variables").toString()).isEqualTo("{\"appName\":\"app\"}");
  }

  @Test
  void currentReleaseIsDecoded() {
    var current = release(7, null, null, null);
    server.enqueue(json("{\"data\":{\"app\":{\"currentReleaseUnprocessed\":" + current + "}}}"));

    Release r = client.releases().current("app").orElseThrow();
    assertThat(r.version()).isEqualTo(7);
    assertThat(r.imageRef()).isEmpty();
  }

  @Test
  void resolveImageReadsSizesAsLongAndTheManifestAsJson() throws Exception {
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}";
    server.enqueue(
        json(
            "{\"data\":{\"app\":{\"image\":{\"id\":\"img_1\",\"digest\":\"sha256:abc\","
                + "\"ref\":\"registry.fly.io/app:v1\",\"compressedSizeFull\":\"5000000000\","
                + "\"manifest\":"
                + manifest
                + "}}}}"));
    server.enqueue(
        json(
            "{\"data\":{\"app\":{\"image\":{\"id\":\"img_2\",\"digest\":\"sha256:def\","
                + "\"ref\":\"registry.fly.io/app:v2\",\"compressedSizeFull\":123,"
                + "\"manifest\":"
                + Fixtures.JSON.writeValueAsString(manifest)
                + "}}}}"));

    AppImage first = client.resolveImage("app", "registry.fly.io/app:v1").orElseThrow();
    assertThat(first)
        .isEqualTo(
            new AppImage(
                "img_1", "sha256:abc", "registry.fly.io/app:v1", 5_000_000_000L, manifest));
    AppImage second = client.resolveImage("app", "registry.fly.io/app:v2").orElseThrow();
    assertThat(second.compressedSizeFull()).isEqualTo(123L);
    assertThat(second.manifestJson()).isEqualTo(manifest);

    JsonNode sent = body(server.takeRequest());
    assertThat(sent.get("variables").toString())
        .isEqualTo("{\"appName\":\"app\",\"ref\":\"registry.fly.io/app:v1\"}");
  }

  @Test
  void resolveImageIsEmptyWhenTheImageIsUnknown() {
    server.enqueue(json("{\"data\":{\"app\":{\"image\":null}}}"));
    server.enqueue(
        json(
            "{\"data\":{\"app\":{\"image\":null}},\"errors\":[{\"message\":\"no such image\","
                + "\"path\":[\"app\",\"image\"],\"extensions\":{\"code\":\"NOT_FOUND\"}}]}"));
    server.enqueue(json("{\"data\":{\"app\":null}}"));

    assertThat(client.resolveImage("app", "registry.fly.io/app:nope")).isEmpty();
    assertThat(client.resolveImage("app", "registry.fly.io/app:nope")).isEmpty();
    assertThatThrownBy(() -> client.resolveImage("ghost", "registry.fly.io/ghost:v1"))
        .isInstanceOf(AppNotFoundException.class);
  }

  @Test
  void negativeOrHugeSizesAreProtocolErrors() {
    server.enqueue(
        json(
            "{\"data\":{\"app\":{\"image\":{\"id\":\"i\",\"digest\":\"d\",\"ref\":\"r\","
                + "\"compressedSizeFull\":\"99999999999999999999999\",\"manifest\":{}}}}}"));

    assertThatThrownBy(() -> client.resolveImage("app", "r"))
        .isInstanceOf(GraphqlProtocolException.class)
        .hasMessageContaining("data.app.image.compressedSizeFull");
  }

  @Test
  void imageRefsAreDistinctAndNewestFirst() {
    List<com.fasterxml.jackson.databind.node.ObjectNode> nodes = new ArrayList<>();
    nodes.add(release(6, "registry.fly.io/app:c", null, null));
    nodes.add(release(5, null, null, null));
    nodes.add(release(4, "registry.fly.io/app:b", null, null));
    nodes.add(release(3, "registry.fly.io/app:c", null, null));
    nodes.add(release(2, "flyio/hellofly:latest", null, null));
    nodes.add(release(1, "registry.fly.io/app:b", null, null));
    server.enqueue(json(Fixtures.pageAnswer(nodes, false, "end", 6)));

    assertThat(client.releases().imageRefs("app"))
        .containsExactly(
            ImageReference.parse("registry.fly.io/app:c"),
            ImageReference.parse("registry.fly.io/app:b"),
            ImageReference.parse("registry-1.docker.io/flyio/hellofly:latest"));
  }

  @Test
  void imageRefTextsKeepWhatDoesNotParse() {
    List<com.fasterxml.jackson.databind.node.ObjectNode> nodes = new ArrayList<>();
    nodes.add(release(3, "Not A Reference!", null, null));
    nodes.add(release(2, "registry.fly.io/app:v2", null, null));
    nodes.add(release(1, "", null, null));
    server.enqueue(json(Fixtures.pageAnswer(nodes, false, "end", 3)));
    server.enqueue(json(Fixtures.pageAnswer(nodes, false, "end", 3)));

    assertThat(client.releases().imageRefTexts("app"))
        .containsExactly("Not A Reference!", "registry.fly.io/app:v2");
    assertThat(client.releases().imageRefs("app"))
        .containsExactly(ImageReference.parse("registry.fly.io/app:v2"));
  }

  @Test
  void releaseImageReferenceParsesTheApiText() {
    var hub = release(3, "nginx:1.27", null, null);
    var bad = release(2, "Not A Reference!", null, null);
    var none = release(1, null, null, null);
    server.enqueue(json(releasesAnswer(List.of(hub, bad, none))));

    List<Release> releases = client.releases().list("app", 3);

    assertThat(releases.get(0).imageReference())
        .contains(ImageReference.parse("registry-1.docker.io/library/nginx:1.27"));
    assertThat(releases.get(1).imageReference()).isEmpty();
    assertThat(releases.get(1).imageRef()).contains("Not A Reference!");
    assertThat(releases.get(2).imageReference()).isEmpty();
  }
}
