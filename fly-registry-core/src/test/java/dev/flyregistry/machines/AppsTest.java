package dev.flyregistry.machines;

import static dev.flyregistry.machines.FakeFly.body;
import static dev.flyregistry.machines.FakeFly.json;
import static dev.flyregistry.machines.FakeFly.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.internal.machines.NameGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TAKEN =
      "{\"error\":\"Validation failed: Name has already been taken\",\"status\":\"name_taken\"}";

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
  void createPostsNameAndOrgSlugWithTheTokensAuthorization() throws IOException {
    fly.on("POST", "/v1/apps", status(201));
    App app = client.apps().create("my-app", "personal");

    assertThat(app.name()).isEqualTo("my-app");
    assertThat(app.orgSlug()).contains("personal");
    RecordedRequest r = fly.requests.get(0);
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeFly.TOKEN_TEXT);
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    JsonNode sent = JSON.readTree(body(r));
    assertThat(sent.get("name").asText()).isEqualTo("my-app");
    assertThat(sent.get("org_slug").asText()).isEqualTo("personal");
    assertThat(sent.size()).isEqualTo(2);
  }

  @Test
  void macaroonTokensAreSentAsFlyV1() {
    fly.on("POST", "/v1/apps", status(201));
    try (MachinesClient c = fly.builder().token(FlyToken.parse("fm2_abc,fm2_def")).build()) {
      c.apps().create("my-app", "personal");
    }
    assertThat(fly.requests.get(0).getHeaders().get("Authorization"))
        .isEqualTo("FlyV1 fm2_abc,fm2_def");
  }

  @Test
  void createReadsTheAppWhenTheApiReturnsIt() {
    fly.on(
        "POST",
        "/v1/apps",
        json(
            201,
            "{\"id\":\"app_123\",\"name\":\"my-app\",\"status\":\"pending\","
                + "\"organization\":{\"name\":\"Acme\",\"slug\":\"acme\"},\"machine_count\":0}"));
    App app = client.apps().create("my-app", "acme");
    assertThat(app)
        .isEqualTo(
            new App(
                "my-app",
                Optional.of("app_123"),
                Optional.of("acme"),
                Optional.of("pending"),
                Optional.of(0)));
  }

  @Test
  void nameTakenBecomesAppNameTakenExceptionWithStatusAndRequestId() {
    fly.on(
        "POST",
        "/v1/apps",
        new mockwebserver3.MockResponse.Builder()
            .code(422)
            .addHeader("fly-request-id", "01REQ-abc")
            .body(TAKEN)
            .build());
    assertThatThrownBy(() -> client.apps().create("taken-app", "personal"))
        .isInstanceOfSatisfying(
            AppNameTakenException.class,
            e -> {
              assertThat(e.appName()).isEqualTo("taken-app");
              assertThat(e.httpStatus()).isEqualTo(422);
              assertThat(e.status()).contains("name_taken");
              assertThat(e.error()).contains("Validation failed: Name has already been taken");
              assertThat(e.requestId()).contains("01REQ-abc");
            })
        .hasMessageContaining("taken-app")
        .hasMessageContaining("HTTP 422")
        .hasMessageContaining("01REQ-abc");
    // a mutation answered with an error is not repeated
    assertThat(fly.requests).hasSize(1);
  }

  @Test
  void invalidNameIsRejectedBeforeAnyRequest() {
    assertThatThrownBy(() -> client.apps().create("Bad_Name", "personal"))
        .isInstanceOf(InvalidAppNameException.class);
    assertThatThrownBy(() -> client.apps().get("-x")).isInstanceOf(InvalidAppNameException.class);
    assertThatThrownBy(() -> client.apps().isAvailable("x".repeat(64)))
        .isInstanceOf(InvalidAppNameException.class);
    assertThat(fly.requests).isEmpty();
  }

  @Test
  void generatedNameIsRetriedOnNameTakenWithTheInjectedRandom() throws IOException {
    fly.on("POST", "/v1/apps", json(422, TAKEN), json(422, TAKEN), status(201));
    App app;
    try (MachinesClient c = fly.builder().random(new Random(99)).build()) {
      app = c.apps().createWithGeneratedName("personal");
    }
    Random expected = new Random(99);
    List<String> names =
        List.of(
            NameGenerator.generate(expected),
            NameGenerator.generate(expected),
            NameGenerator.generate(expected));
    assertThat(fly.requests).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode sent = JSON.readTree(body(fly.requests.get(i)));
      assertThat(sent.get("name").asText()).isEqualTo(names.get(i));
      assertThat(sent.get("org_slug").asText()).isEqualTo("personal");
    }
    assertThat(app.name()).isEqualTo(names.get(2)).matches("[a-z]+-[a-z]+-[0-9]{3}");
  }

  @Test
  void generatedNameGivesUpAfterTheConfiguredAttempts() {
    fly.on("POST", "/v1/apps", json(422, TAKEN));
    try (MachinesClient c = fly.builder().generatedNameAttempts(4).build()) {
      assertThatThrownBy(() -> c.apps().createWithGeneratedName("personal"))
          .isInstanceOfSatisfying(
              AppNameTakenException.class,
              e -> assertThat(e.appName()).matches("[a-z]+-[a-z]+-[0-9]{3}"))
          .hasMessageContaining("gave up after 4 generated app names");
    }
    assertThat(fly.requests).hasSize(4);
  }

  @Test
  void generatedNameDoesNotRetryOtherErrors() {
    fly.on("POST", "/v1/apps", json(403, "{\"error\":\"not allowed in org\"}"));
    assertThatThrownBy(() -> client.apps().createWithGeneratedName("acme"))
        .isExactlyInstanceOf(MachinesApiException.class)
        .hasMessageContaining("HTTP 403")
        .hasMessageContaining("not allowed in org");
    assertThat(fly.requests).hasSize(1);
  }

  @Test
  void generatedNameWhoseCreateLostItsAnswerIsLookedUpInsteadOfLost() {
    String name = NameGenerator.generate(new Random(7));
    fly.on("POST", "/v1/apps", json(502, "{\"error\":\"bad gateway\"}"));
    fly.on(
        "GET",
        "/v1/apps/" + name,
        json(
            200,
            "{\"id\":\"a1\",\"name\":\""
                + name
                + "\",\"status\":\"pending\",\"organization\":{\"slug\":\"personal\"}}"));
    App app;
    try (MachinesClient c = fly.builder().random(new Random(7)).build()) {
      app = c.apps().createWithGeneratedName("personal");
    }
    assertThat(app.name()).isEqualTo(name);
    assertThat(app.id()).contains("a1");
    // the create was not repeated, under this name or another
    assertThat(fly.requests("POST", "/v1/apps")).hasSize(1);
  }

  @Test
  void generatedNameWhoseCreateFailedWithoutCreatingIsTheOriginalError() {
    String name = NameGenerator.generate(new Random(7));
    fly.on("POST", "/v1/apps", json(503, "{\"error\":\"unavailable\"}"));
    fly.on("GET", "/v1/apps/" + name, json(404, "{\"error\":\"app not found\"}"));
    try (MachinesClient c = fly.builder().random(new Random(7)).build()) {
      assertThatThrownBy(() -> c.apps().createWithGeneratedName("personal"))
          .isInstanceOfSatisfying(
              MachinesApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(503))
          .hasMessageContaining("unavailable");
    }
    assertThat(fly.requests("POST", "/v1/apps")).hasSize(1);
    assertThat(fly.requests("GET", "/v1/apps/" + name)).hasSize(1);
  }

  @Test
  void generatedNameWhoseFateCannotBeToldIsNamedInTheError() {
    String name = NameGenerator.generate(new Random(7));
    fly.on("POST", "/v1/apps", json(502, "{\"error\":\"bad gateway\"}"));
    fly.on("GET", "/v1/apps/" + name, json(500, "{\"error\":\"boom\"}"));
    try (MachinesClient c = fly.builder().random(new Random(7)).build()) {
      assertThatThrownBy(() -> c.apps().createWithGeneratedName("personal"))
          .isInstanceOfSatisfying(
              MachinesApiException.class,
              e -> {
                assertThat(e.httpStatus()).isEqualTo(502);
                assertThat(e.getSuppressed()).hasSize(1);
              })
          .hasMessageContaining("'" + name + "' may have been created");
    }
    assertThat(fly.requests("POST", "/v1/apps")).hasSize(1);
  }

  @Test
  void getReturnsTheAppOrEmptyOn404() {
    fly.on(
        "GET",
        "/v1/apps/my-app",
        json(
            200,
            "{\"id\":\"a1\",\"name\":\"my-app\",\"status\":\"deployed\",\"machine_count\":2,"
                + "\"organization\":{\"slug\":\"personal\"},\"some_new_field\":true}"));
    fly.on("GET", "/v1/apps/nope", json(404, "{\"error\":\"app not found\"}"));

    App app = client.apps().get("my-app").orElseThrow();
    assertThat(app.id()).contains("a1");
    assertThat(app.status()).contains("deployed");
    assertThat(app.machineCount()).contains(2);
    assertThat(app.orgSlug()).contains("personal");
    assertThat(client.apps().get("nope")).isEmpty();
  }

  @Test
  void getIsRetriedOnTransientErrors() {
    fly.on("GET", "/v1/apps/my-app", status(503), json(200, "{\"name\":\"my-app\"}"));
    assertThat(client.apps().get("my-app")).isPresent();
    assertThat(fly.requests).hasSize(2);
    assertThat(fly.sleeps).hasSize(1);
  }

  @Test
  void listSendsOrgSlugAndReadsApps() {
    fly.on(
        "GET",
        "/v1/apps",
        json(
            200,
            "{\"total_apps\":2,\"apps\":[{\"name\":\"a-1\",\"id\":\"1\"},"
                + "{\"name\":\"a-2\",\"id\":\"2\",\"organization\":{\"slug\":\"acme\"}}]}"));
    List<App> apps = client.apps().list("acme");
    assertThat(apps).extracting(App::name).containsExactly("a-1", "a-2");
    assertThat(fly.requests.get(0).getUrl().queryParameter("org_slug")).isEqualTo("acme");
  }

  @Test
  void deleteSaysWhetherTheAppExisted() {
    fly.on("DELETE", "/v1/apps/gone", status(202));
    fly.on("DELETE", "/v1/apps/never", json(404, "{\"error\":\"app not found\"}"));
    assertThat(client.apps().delete("gone")).isTrue();
    assertThat(client.apps().delete("never")).isFalse();
  }

  @Test
  void isAvailableReads404AsFreeAnd403AsTakenElsewhere() {
    fly.on("GET", "/v1/apps/free-name", json(404, "{\"error\":\"not found\"}"));
    fly.on("GET", "/v1/apps/other-org", json(403, "{\"error\":\"forbidden\"}"));
    fly.on("GET", "/v1/apps/mine", json(200, "{\"name\":\"mine\"}"));
    fly.on("GET", "/v1/apps/broken", json(400, "{\"error\":\"bad\"}"));

    assertThat(client.apps().isAvailable("free-name")).isTrue();
    assertThat(client.apps().isAvailable("other-org")).isFalse();
    assertThat(client.apps().isAvailable("mine")).isFalse();
    assertThatThrownBy(() -> client.apps().isAvailable("broken"))
        .isInstanceOf(MachinesApiException.class)
        .hasMessageContaining("HTTP 400");
  }
}
