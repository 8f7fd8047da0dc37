package dev.flyregistry.machines;

import static dev.flyregistry.machines.FakeFly.body;
import static dev.flyregistry.machines.FakeFly.json;
import static dev.flyregistry.machines.FakeFly.status;
import static dev.flyregistry.machines.MachinesTest.CONFIG;
import static dev.flyregistry.machines.MachinesTest.machine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.machines.MachineOutcome.Status;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.testing.InterruptedRun;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeployTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEW = "registry.fly.io/app-1:v2";

  private FakeFly fly;
  private MachinesClient client;

  @BeforeEach
  void start() throws IOException {
    fly = new FakeFly();
    client = fly.builder().waitTimeout(Duration.ofSeconds(30)).build();
  }

  @AfterEach
  void stop() {
    client.close();
    fly.stop();
  }

  /** An app with the given machines, each answering lease, read, update, wait and release. */
  private void app(String app, String... ids) {
    List<String> listed = new ArrayList<>();
    for (String id : ids) {
      listed.add(machine(id, "started", id + "-v1", CONFIG));
      String base = "/v1/apps/" + app + "/machines/" + id;
      fly.on(
          "POST",
          base + "/lease",
          json(
              200,
              "{\"status\":\"success\",\"data\":{\"nonce\":\"nonce-"
                  + id
                  + "\",\"expires_at\":1764240000}}"));
      fly.on("GET", base, json(200, machine(id, "started", id + "-v1", CONFIG)));
      fly.on("POST", base, json(200, machine(id, "replacing", id + "-v2", CONFIG)));
      fly.on("GET", base + "/wait", json(200, "{\"ok\":true,\"state\":\"started\"}"));
      fly.on("DELETE", base + "/lease", status(200));
    }
    fly.on("GET", "/v1/apps/" + app + "/machines", json(200, "[" + String.join(",", listed) + "]"));
    fly.on(
        "POST",
        "/api/v1/releases",
        json(201, "{\"id\":\"rel_1\",\"version\":7,\"status\":" + "\"pending\"}"));
    fly.on("PATCH", "/api/v1/releases/rel_1", json(200, "{\"id\":\"rel_1\"}"));
  }

  private List<String> releaseStatuses() throws IOException {
    List<String> out = new ArrayList<>();
    for (RecordedRequest r : fly.requests("PATCH", "/api/v1/releases/rel_1")) {
      out.add(JSON.readTree(body(r)).get("status").asText());
    }
    return out;
  }

  @Test
  void deploysToEveryMachineInTurnAndCompletesTheRelease() throws IOException {
    app("app-1", "m1", "m2", "m3");

    DeployResult result = client.deploy("app-1", NEW);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.releaseId()).contains("rel_1");
    assertThat(result.releaseVersion()).contains(7);
    assertThat(result.releaseStatus()).contains("complete");
    assertThat(result.updatedMachines()).containsExactly("m1", "m2", "m3");
    assertThat(result.machines())
        .allSatisfy(
            o -> {
              assertThat(o.status()).isEqualTo(Status.UPDATED);
              assertThat(o.previousImage()).contains("registry.fly.io/app:old");
            });

    List<String> log = fly.log();
    assertThat(log.get(0)).isEqualTo("GET /v1/apps/app-1/machines");
    assertThat(log.get(1)).isEqualTo("POST /api/v1/releases");
    for (int i = 0; i < 3; i++) {
      String m = "/v1/apps/app-1/machines/m" + (i + 1);
      assertThat(log.subList(2 + 5 * i, 7 + 5 * i))
          .containsExactly(
              "POST " + m + "/lease",
              "GET " + m,
              "POST " + m,
              "GET " + m + "/wait?state=started&timeout=30&version=m" + (i + 1) + "-v2",
              "DELETE " + m + "/lease");
    }
    assertThat(log.get(17)).isEqualTo("PATCH /api/v1/releases/rel_1");
    assertThat(log).hasSize(18);
    assertThat(releaseStatuses()).containsExactly("complete");

    JsonNode release = JSON.readTree(body(fly.requests("POST", "/api/v1/releases").get(0)));
    assertThat(release.get("app_name").asText()).isEqualTo("app-1");
    assertThat(release.get("image").asText()).isEqualTo(NEW);
    assertThat(release.get("platform_version").asText()).isEqualTo("machines");

    for (String id : List.of("m1", "m2", "m3")) {
      String base = "/v1/apps/app-1/machines/" + id;
      RecordedRequest update = fly.requests("POST", base).get(0);
      assertThat(update.getHeaders().get("fly-machine-lease-nonce")).isEqualTo("nonce-" + id);
      assertThat(JSON.readTree(body(update)).at("/config/image").asText()).isEqualTo(NEW);
      assertThat(JSON.readTree(body(update)).at("/config/future_field/nested/1").asInt())
          .isEqualTo(2);
      assertThat(
              fly.requests("DELETE", base + "/lease")
                  .get(0)
                  .getHeaders()
                  .get("fly-machine-lease-nonce"))
          .isEqualTo("nonce-" + id);
    }
    for (RecordedRequest r : fly.requests) {
      assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeFly.TOKEN_TEXT);
    }
  }

  @Test
  void failureOnTheSecondOfThreeMachinesStopsReleasesItsLeaseAndFailsTheRelease()
      throws IOException {
    app("app-1", "m1", "m2", "m3");
    fly.set("POST", "/v1/apps/app-1/machines/m2", json(400, "{\"error\":\"invalid config\"}"));

    DeployFailedException e =
        assertThrows(DeployFailedException.class, () -> client.deploy("app-1", NEW));

    DeployResult result = e.result();
    assertThat(result.succeeded()).isFalse();
    assertThat(result.machines())
        .extracting(MachineOutcome::machineId, MachineOutcome::status)
        .containsExactly(
            tuple("m1", Status.UPDATED), tuple("m2", Status.FAILED), tuple("m3", Status.SKIPPED));
    assertThat(result.updatedMachines()).containsExactly("m1");
    assertThat(result.notUpdatedMachines()).containsExactly("m2", "m3");
    assertThat(result.machines().get(1).error().orElseThrow()).contains("invalid config");
    assertThat(result.machines().get(2).error().orElseThrow()).contains("stopped at machine m2");
    assertThat(result.releaseStatus()).contains("failed");
    assertThat(e.getCause()).isInstanceOf(MachinesApiException.class);
    assertThat(e)
        .hasMessageContaining("failed at machine m2")
        .hasMessageContaining("running the new image: [m1]")
        .hasMessageContaining("not: [m2, m3]");

    // m2's lease was released even though its update failed; m3 was never touched
    assertThat(fly.requests("DELETE", "/v1/apps/app-1/machines/m1/lease")).hasSize(1);
    assertThat(fly.requests("DELETE", "/v1/apps/app-1/machines/m2/lease")).hasSize(1);
    assertThat(fly.requests("GET", "/v1/apps/app-1/machines/m2/wait")).isEmpty();
    assertThat(fly.log()).noneMatch(l -> l.contains("/machines/m3"));
    assertThat(releaseStatuses()).containsExactly("failed");
  }

  @Test
  void anInterruptedDeployStillReleasesItsLeaseAndFailsTheReleaseThenKeepsTheInterrupt()
      throws Exception {
    app("app-1", "m1", "m2");
    // m1's wait answers only after a minute: the deploy is interrupted while it waits
    fly.set(
        "GET",
        "/v1/apps/app-1/machines/m1/wait",
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "application/json")
            .body("{\"ok\":true,\"state\":\"started\"}")
            .headersDelay(60, TimeUnit.SECONDS)
            .build());
    InterruptedRun deploy = InterruptedRun.start(() -> client.deploy("app-1", NEW));
    InterruptedRun.await(
        () -> !fly.requests("GET", "/v1/apps/app-1/machines/m1/wait").isEmpty(),
        "the deploy reached m1's wait");
    Thread.sleep(100); // blocked reading the answer
    InterruptedRun.Outcome outcome = deploy.interruptAndJoin();

    assertThat(outcome.failure()).isInstanceOf(DeployFailedException.class);
    DeployResult result = ((DeployFailedException) outcome.failure()).result();
    assertThat(result.machines())
        .extracting(MachineOutcome::machineId, MachineOutcome::status)
        .containsExactly(tuple("m1", Status.NOT_STARTED), tuple("m2", Status.SKIPPED));
    assertThat(result.machines().get(0).error().orElseThrow()).contains("interrupted");
    // the clean-up ran although the thread was interrupted: lease given back, release failed
    assertThat(fly.requests("DELETE", "/v1/apps/app-1/machines/m1/lease")).hasSize(1);
    assertThat(releaseStatuses()).containsExactly("failed");
    assertThat(result.releaseStatus()).contains("failed");
    assertThat(fly.log()).noneMatch(l -> l.contains("/machines/m2"));
    // and the caller still sees the interrupt
    assertThat(outcome.stillInterrupted()).isTrue();
  }

  @Test
  void leaseIsReleasedWhenTheUpdateFails() {
    app("app-1", "m1");
    fly.set("POST", "/v1/apps/app-1/machines/m1", json(500, "{\"error\":\"boom\"}"));

    DeployFailedException e =
        assertThrows(DeployFailedException.class, () -> client.deploy("app-1", NEW));
    assertThat(e.result().machines().get(0).status()).isEqualTo(Status.FAILED);
    List<RecordedRequest> released = fly.requests("DELETE", "/v1/apps/app-1/machines/m1/lease");
    assertThat(released).hasSize(1);
    assertThat(released.get(0).getHeaders().get("fly-machine-lease-nonce")).isEqualTo("nonce-m1");
    // a failed mutation is not repeated
    assertThat(fly.requests("POST", "/v1/apps/app-1/machines/m1")).hasSize(1);
  }

  /** m1 read before the update (v1), then read back with a new version holding the new image. */
  private void readBackAsUpdated(String m1) {
    fly.set(
        "GET",
        m1,
        json(200, machine("m1", "started", "m1-v1", CONFIG)),
        json(
            200,
            machine("m1", "replacing", "m1-v2", CONFIG.replace("registry.fly.io/app:old", NEW))));
  }

  @Test
  void updateAppliedDespiteAnErrorAnswerIsFoundOutAndTheDeployGoesOn() throws IOException {
    app("app-1", "m1", "m2");
    String m1 = "/v1/apps/app-1/machines/m1";
    // Fly's edge answered 502, but the update went through: the machine has a new version
    // holding the new image
    fly.set("POST", m1, json(502, "{\"error\":\"bad gateway\"}"));
    readBackAsUpdated(m1);

    DeployResult result = client.deploy("app-1", NEW);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.updatedMachines()).containsExactly("m1", "m2");
    // the update was not repeated; the wait is for the version the update made
    assertThat(fly.requests("POST", m1)).hasSize(1);
    assertThat(fly.requests("GET", m1 + "/wait").get(0).getUrl().queryParameter("version"))
        .isEqualTo("m1-v2");
    assertThat(fly.requests("DELETE", m1 + "/lease")).hasSize(1);
    assertThat(releaseStatuses()).containsExactly("complete");
  }

  @Test
  void updateAnsweredWithAnUnreadableSuccessIsFoundOutToo() {
    app("app-1", "m1");
    String m1 = "/v1/apps/app-1/machines/m1";
    fly.set("POST", m1, json(200, "{\"state\":\"replacing\"}"));
    readBackAsUpdated(m1);

    DeployResult result = client.deploy("app-1", NEW);

    assertThat(result.updatedMachines()).containsExactly("m1");
  }

  @Test
  void updateThatFailedAndWasNotAppliedStopsTheDeploy() {
    app("app-1", "m1", "m2");
    String m1 = "/v1/apps/app-1/machines/m1";
    fly.set("POST", m1, json(503, "{\"error\":\"unavailable\"}"));

    DeployFailedException e =
        assertThrows(DeployFailedException.class, () -> client.deploy("app-1", NEW));

    assertThat(e.result().machines())
        .extracting(MachineOutcome::status)
        .containsExactly(Status.FAILED, Status.SKIPPED);
    assertThat(e.getCause()).hasMessageContaining("HTTP 503");
    // read before the update, and once more to find out whether the update was applied
    assertThat(fly.requests("GET", m1)).hasSize(2);
    assertThat(fly.requests("POST", m1)).hasSize(1);
    assertThat(fly.requests("GET", m1 + "/wait")).isEmpty();
  }

  @Test
  void updateRefusedWithAClientErrorIsNotReadAgain() {
    app("app-1", "m1");
    String m1 = "/v1/apps/app-1/machines/m1";
    fly.set("POST", m1, json(422, "{\"error\":\"invalid config\"}"));

    DeployFailedException e =
        assertThrows(DeployFailedException.class, () -> client.deploy("app-1", NEW));

    assertThat(e.result().machines().get(0).status()).isEqualTo(Status.FAILED);
    assertThat(fly.requests("GET", m1)).hasSize(1);
  }

  @Test
  void leaseIsReleasedWhenReadingTheMachineFails() {
    app("app-1", "m1");
    fly.set("GET", "/v1/apps/app-1/machines/m1", json(404, "{\"error\":\"machine not found\"}"));

    DeployFailedException e =
        assertThrows(DeployFailedException.class, () -> client.deploy("app-1", NEW));
    assertThat(e.getCause()).isInstanceOf(MachinesNotFoundException.class);
    assertThat(fly.requests("DELETE", "/v1/apps/app-1/machines/m1/lease")).hasSize(1);
    assertThat(fly.requests("POST", "/v1/apps/app-1/machines/m1")).isEmpty();
  }

  @Test
  void aMachineThatNeverStartsIsReportedNotStarted() throws IOException {
    app("app-1", "m1", "m2");
    fly.set(
        "GET", "/v1/apps/app-1/machines/m1/wait", json(408, "{\"error\":\"deadline_exceeded\"}"));

    DeployFailedException e =
        assertThrows(DeployFailedException.class, () -> client.deploy("app-1", NEW));

    assertThat(e.result().machines())
        .extracting(MachineOutcome::status)
        .containsExactly(Status.NOT_STARTED, Status.SKIPPED);
    MachineOutcome m1 = e.result().machines().get(0);
    assertThat(m1.hasNewImage()).isTrue();
    assertThat(m1.runsNewImage()).isFalse();
    assertThat(e.result().updatedMachines()).isEmpty();
    assertThat(e.getCause()).isInstanceOf(MachineWaitTimeoutException.class);
    assertThat(fly.requests("DELETE", "/v1/apps/app-1/machines/m1/lease")).hasSize(1);
    assertThat(fly.requests("GET", "/v1/apps/app-1/machines/m1/wait")).hasSize(1);
    assertThat(releaseStatuses()).containsExactly("failed");
  }

  @Test
  void leaseConflictFailsTheMachineWithoutTouchingIt() throws IOException {
    app("app-1", "m1");
    fly.set("POST", "/v1/apps/app-1/machines/m1/lease", json(409, "{\"error\":\"lease held\"}"));

    DeployFailedException e =
        assertThrows(DeployFailedException.class, () -> client.deploy("app-1", NEW));

    assertThat(e.getCause()).isInstanceOf(LeaseConflictException.class);
    assertThat(e.result().machines().get(0).status()).isEqualTo(Status.FAILED);
    assertThat(fly.log())
        .containsExactly(
            "GET /v1/apps/app-1/machines",
            "POST /api/v1/releases",
            "POST /v1/apps/app-1/machines/m1/lease",
            "PATCH /api/v1/releases/rel_1");
    assertThat(releaseStatuses()).containsExactly("failed");
  }

  @Test
  void failedLeaseReleaseDoesNotHideASuccessfulDeploy() {
    app("app-1", "m1");
    fly.set("DELETE", "/v1/apps/app-1/machines/m1/lease", json(500, "{\"error\":\"oops\"}"));
    DeployResult result = client.deploy("app-1", NEW);
    assertThat(result.succeeded()).isTrue();
  }

  @Test
  void appWithoutMachinesIsATypedErrorAndRecordsNoRelease() {
    fly.on("GET", "/v1/apps/empty-app/machines", json(200, "[]"));
    assertThatThrownBy(() -> client.deploy("empty-app", NEW))
        .isInstanceOfSatisfying(
            NoMachinesException.class, e -> assertThat(e.app()).isEqualTo("empty-app"))
        .hasMessageContaining("create a machine first");
    assertThat(fly.log()).containsExactly("GET /v1/apps/empty-app/machines");
  }

  @Test
  void missingAppIsNotFoundAndRecordsNoRelease() {
    fly.on("GET", "/v1/apps/ghost/machines", json(404, "{\"error\":\"app not found\"}"));
    assertThatThrownBy(() -> client.deploy("ghost", NEW))
        .isInstanceOf(MachinesNotFoundException.class);
    assertThat(fly.log()).containsExactly("GET /v1/apps/ghost/machines");
  }

  @Test
  void missingImageStopsTheDeployBeforeAnyRequest() {
    List<ImageReference> asked = new ArrayList<>();
    try (MachinesClient c =
        fly.builder()
            .imageChecker(
                ref -> {
                  asked.add(ref);
                  return false;
                })
            .build()) {
      assertThatThrownBy(() -> c.deploy("app-1", "flyio/hellofly:latest"))
          .isInstanceOfSatisfying(
              ImageNotFoundException.class,
              e -> assertThat(e.image()).isEqualTo("flyio/hellofly:latest"));
    }
    assertThat(asked).containsExactly(ImageReference.parseDocker("flyio/hellofly:latest"));
    assertThat(fly.requests).isEmpty();
  }

  /** A client with the default image check: its own registry client, here on loopback. */
  private MachinesClient withDefaultImageCheck() {
    return MachinesClient.builder()
        .token(FakeFly.TOKEN)
        .endpoint(fly.server.url("/v1").toString())
        .releasesEndpoint(fly.server.url("/api/v1").toString())
        .http(fly.http())
        .rateLimit(RateLimit.none())
        .build();
  }

  private String loopbackImage(String repository, String tag) {
    return "127.0.0.1:" + fly.server.getPort() + "/" + repository + ":" + tag;
  }

  @Test
  void byDefaultTheImageIsCheckedInItsRegistryAndAMissingOneStopsTheDeploy() {
    fly.on("GET", "/v2/", json(200, "{}"));
    fly.on("HEAD", "/v2/app-1/manifests/v9", status(404));
    try (MachinesClient c = withDefaultImageCheck()) {
      String image = loopbackImage("app-1", "v9");
      assertThatThrownBy(() -> c.deploy("app-1", image))
          .isInstanceOfSatisfying(
              ImageNotFoundException.class, e -> assertThat(e.image()).isEqualTo(image))
          .hasMessageContaining("push it before deploying");
    }
    // only the registry was asked; nothing went to the Machines or releases APIs
    assertThat(fly.log())
        .contains("HEAD /v2/app-1/manifests/v9")
        .allMatch(l -> l.contains(" /v2/"));
  }

  @Test
  void byDefaultAnExistingImageIsDeployed() {
    app("app-1", "m1");
    fly.on("GET", "/v2/", json(200, "{}"));
    String digest = "sha256:" + "ab".repeat(32);
    fly.on(
        "HEAD",
        "/v2/app-1/manifests/v2",
        new mockwebserver3.MockResponse.Builder()
            .code(200)
            .addHeader("Docker-Content-Digest", digest)
            .addHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            .addHeader("Content-Length", "512")
            .build());
    DeployResult result;
    try (MachinesClient c = withDefaultImageCheck()) {
      result = c.deploy("app-1", loopbackImage("app-1", "v2"));
    }
    assertThat(result.succeeded()).isTrue();
    List<String> log = fly.log();
    assertThat(log.indexOf("HEAD /v2/app-1/manifests/v2"))
        .isNotNegative()
        .isLessThan(log.indexOf("GET /v1/apps/app-1/machines"));
    // the registry check sends no Fly token to a registry other than registry.fly.io
    assertThat(fly.requests)
        .filteredOn(r -> r.getUrl().encodedPath().startsWith("/v2/"))
        .allMatch(r -> r.getHeaders().get("Authorization") == null);
  }

  @Test
  void releaseCreationFailureChangesNoMachine() {
    fly.on(
        "GET",
        "/v1/apps/app-1/machines",
        json(200, "[" + machine("m1", "started", "v1", CONFIG) + "]"));
    fly.on("POST", "/api/v1/releases", json(403, "{\"error\":\"forbidden\"}"));
    assertThatThrownBy(() -> client.deploy("app-1", NEW))
        .isInstanceOf(MachinesApiException.class)
        .hasMessageContaining("/api/v1/releases")
        .hasMessageContaining("HTTP 403");
    assertThat(fly.log()).containsExactly("GET /v1/apps/app-1/machines", "POST /api/v1/releases");
  }

  @Test
  void releaseThatCannotBeFinishedStillReportsTheDeploy() {
    app("app-1", "m1");
    fly.set("PATCH", "/api/v1/releases/rel_1", json(500, "{\"error\":\"oops\"}"));
    DeployResult result = client.deploy("app-1", NEW);
    assertThat(result.succeeded()).isTrue();
    assertThat(result.releaseId()).contains("rel_1");
    assertThat(result.releaseStatus()).isEmpty();
  }

  @Test
  void reuseAcrossAppsDeploysAnotherAppsImage() throws IOException {
    app("app-2", "m7");
    DeployResult result = client.deploy("app-2", ImageReference.parse("registry.fly.io/app-1:v1"));
    assertThat(result.app()).isEqualTo("app-2");
    assertThat(result.image()).isEqualTo("registry.fly.io/app-1:v1");
    RecordedRequest update = fly.requests("POST", "/v1/apps/app-2/machines/m7").get(0);
    assertThat(JSON.readTree(body(update)).at("/config/image").asText())
        .isEqualTo("registry.fly.io/app-1:v1");
  }

  @Test
  void publicImageIsWrittenAsGiven() throws IOException {
    app("app-1", "m1");
    client.deploy("app-1", "flyio/hellofly:latest");
    RecordedRequest update = fly.requests("POST", "/v1/apps/app-1/machines/m1").get(0);
    assertThat(JSON.readTree(body(update)).at("/config/image").asText())
        .isEqualTo("flyio/hellofly:latest");
  }

  @Test
  void invalidImageOrAppIsRejectedBeforeAnyRequest() {
    assertThatThrownBy(() -> client.deploy("app-1", "UPPER/Case::bad"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.deploy("Bad_App", NEW))
        .isInstanceOf(InvalidAppNameException.class);
    assertThat(fly.requests).isEmpty();
  }
}
