package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.testkit.EmulatedImage;
import dev.flyregistry.testkit.FlyEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every command end to end against an in-process emulator, through picocli's execute. */
class FlyregCommandsTest extends EmulatorCliTestBase {
  FlyregCommandsTest() {
    super("cli-app-");
  }

  // ------------------------------------------------------------------ apps create

  @Test
  void appsCreatePrintsTheNameOfTheCreatedApp() {
    String name = "named-" + IDS.incrementAndGet();
    Cli.Result r = cli.run(fly, token, "apps", "create", name, "--org", "personal");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(name + "\n");
    assertThat(fly.appExists(name)).isTrue();
  }

  @Test
  void appsCreateWithGeneratedNamePrintsTheGeneratedName() {
    Cli.Result r = cli.run(fly, token, "apps", "create", "--generate-name");
    assertThat(r.code()).as(r.err()).isZero();
    String name = r.out().strip();
    assertThat(name).matches("[a-z]+-[a-z]+-[0-9]+");
    assertThat(fly.appExists(name)).isTrue();
  }

  @Test
  void appsCreateJsonNamesTheAppAndOrg() throws Exception {
    String name = "json-" + IDS.incrementAndGet();
    Cli.Result r = cli.run(fly, token, "apps", "create", name, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode node = JSON.readTree(r.out());
    assertThat(node.get("name").asText()).isEqualTo(name);
    assertThat(node.get("organization").asText()).isEqualTo("personal");
  }

  @Test
  void invalidAppNameIsAUsageErrorBeforeAnyRequest() {
    int before = requests();
    Cli.Result r = cli.run(fly, token, "apps", "create", "Bad_Name");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("Bad_Name").contains("app name");
    assertThat(requests()).isEqualTo(before);
  }

  @Test
  void appsCreateNeedsExactlyOneOfNameAndGenerateName() {
    Cli.Result neither = cli.run(fly, token, "apps", "create");
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.errLines()).hasSize(1);
    Cli.Result both = cli.run(fly, token, "apps", "create", "x-1", "--generate-name");
    assertThat(both.code()).isEqualTo(2);
    assertThat(fly.appExists("x-1")).isFalse();
  }

  @Test
  void takenAppNameIsAnotherError() {
    String app = newApp();
    Cli.Result r = cli.run(fly, token, "apps", "create", app);
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("flyreg: ").contains(app);
  }

  // ------------------------------------------------------------------ exists

  @Test
  void existsPrintsOneLinePerReferenceInInputOrderAndExitsOneWhenAnyIsMissing() {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    String present = fly.registryHost() + "/" + app + ":v1";
    String missing = fly.registryHost() + "/" + app + ":v2";
    Cli.Result r = cli.run(fly, token, "exists", missing, present, missing);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.outLines())
        .containsExactly(
            missing + " missing", present + " present " + v1.digest(), missing + " missing");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void existsExitsZeroWhenAllArePresent() {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    String ref = fly.registryHost() + "/" + app + ":v1";
    String byDigest = fly.registryHost() + "/" + app + "@" + v1.digest();
    Cli.Result r = cli.run(fly, token, "exists", ref, byDigest);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines())
        .containsExactly(ref + " present " + v1.digest(), byDigest + " present " + v1.digest());
  }

  @Test
  void existsJson() throws Exception {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    String ref = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run(fly, token, "exists", "--json", ref, ref + "-nope");
    assertThat(r.code()).isEqualTo(1);
    JsonNode array = JSON.readTree(r.out());
    assertThat(array.get(0).get("present").asBoolean()).isTrue();
    assertThat(array.get(0).get("digest").asText()).isEqualTo(v1.digest().toString());
    assertThat(array.get(1).get("present").asBoolean()).isFalse();
    assertThat(array.get(1).get("reference").asText()).isEqualTo(ref + "-nope");
  }

  @Test
  void existsReportsEveryReferenceWhenOneIsDenied() {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    String org = fly.createOrganization("other-org-" + IDS.incrementAndGet());
    String other = "exists-other-" + IDS.incrementAndGet();
    fly.createApp(org, other);
    fly.pushImage(other, "v1");
    String present = fly.registryHost() + "/" + app + ":v1";
    String missing = fly.registryHost() + "/" + app + ":nope";
    String denied = fly.registryHost() + "/" + other + ":v1";
    Cli.Result r = cli.run(fly, token, "exists", present, missing, denied);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.outLines()).hasSize(3);
    assertThat(r.outLines().get(0)).isEqualTo(present + " present " + v1.digest());
    assertThat(r.outLines().get(1)).isEqualTo(missing + " missing");
    assertThat(r.outLines().get(2)).startsWith(denied + " denied ").contains("403");
    assertThat(r.err()).isEqualTo("flyreg: could not check 1 of 3 reference(s)\n");
    for (String part : token.split(",")) {
      assertThat(r.out() + r.err()).doesNotContain(part);
    }
  }

  @Test
  void existsJsonNamesTheErrorOfADeniedReference() throws Exception {
    String app = newApp();
    fly.pushImage(app, "v1");
    String org = fly.createOrganization("other-org-" + IDS.incrementAndGet());
    String other = "exists-other-" + IDS.incrementAndGet();
    fly.createApp(org, other);
    String present = fly.registryHost() + "/" + app + ":v1";
    String denied = fly.registryHost() + "/" + other + ":v1";
    Cli.Result r = cli.run(fly, token, "exists", "--json", denied, present);
    assertThat(r.code()).isEqualTo(3);
    JsonNode array = JSON.readTree(r.out());
    assertThat(array.size()).isEqualTo(2);
    assertThat(array.get(0).get("reference").asText()).isEqualTo(denied);
    assertThat(array.get(0).has("present")).isFalse();
    assertThat(array.get(0).get("error").asText()).isEqualTo("denied");
    assertThat(array.get(0).get("message").asText()).contains("403");
    assertThat(array.get(1).get("present").asBoolean()).isTrue();
  }

  @Test
  void existsWithoutCredentialsAdvisesCommandLineOptionsNotJavaCode() {
    String app = newApp();
    fly.pushImage(app, "v1");
    String ref = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run("exists", ref);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out() + r.err()).doesNotContain("Credentials.").doesNotContain("build it with");
    assertThat(r.out()).startsWith(ref + " unauthorized ").contains("401");
    assertThat(r.errLines())
        .containsExactly(
            "flyreg: could not check 1 of 1 reference(s)",
            "flyreg: hint: no credentials were found for "
                + fly.registryHost()
                + ": pass --creds USER:PASSWORD, or run `docker login "
                + fly.registryHost()
                + "` (flyreg reads Docker's config.json)");
  }

  @Test
  void manifestInspectWithoutCredentialsAdvisesCommandLineOptions() {
    String app = newApp();
    fly.pushImage(app, "v1");
    Cli.Result r = cli.run("manifest", "inspect", fly.registryHost() + "/" + app + ":v1");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).doesNotContain("Credentials.").doesNotContain("build it with");
    assertThat(r.errLines()).hasSize(2);
    assertThat(r.errLines().get(1)).startsWith("flyreg: hint: ").contains("--creds USER:PASSWORD");
  }

  @Test
  void malformedReferenceIsAUsageErrorBeforeAnyRequest() {
    int before = requests();
    Cli.Result r = cli.run(fly, token, "exists", fly.registryHost() + "/ok:v1", "Bad//Ref::x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("Bad//Ref::x");
    assertThat(r.out()).isEmpty();
    assertThat(requests()).isEqualTo(before);
  }

  @Test
  void badDurationIsAUsageErrorAndAGoodOneIsAcceptedAfterTheSubcommand() {
    String app = newApp();
    fly.pushImage(app, "v1");
    String ref = fly.registryHost() + "/" + app + ":v1";
    int before = requests();
    Cli.Result bad = cli.run(fly, token, "exists", "--timeout", "5parsecs", ref);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.errLines()).hasSize(1);
    assertThat(bad.err()).contains("--timeout").contains("5parsecs");
    assertThat(requests()).isEqualTo(before);

    for (String d : new String[] {"500ms", "2s", "1m"}) {
      Cli.Result good = cli.run(fly, token, "exists", "--timeout", d, ref);
      assertThat(good.code()).as(d + ": " + good.err()).isZero();
    }
  }

  @Test
  void wrongCredentialsAreAnAuthenticationError() {
    String app = newApp();
    fly.pushImage(app, "v1");
    Cli.Result r =
        cli.run("exists", "--creds", "x:not-a-token", fly.registryHost() + "/" + app + ":v1");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).doesNotContain("not-a-token");
  }

  @Test
  void credsAreUsedForTheRegistryOfTheReference() {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    String ref = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run("exists", "--creds", "x:" + token, ref);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(ref + " present " + v1.digest() + "\n");
  }

  @Test
  void credentialsComeFromDockerConfigJson() throws Exception {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    Path dir = home.resolve("docker");
    Files.createDirectories(dir);
    String auth =
        Base64.getEncoder().encodeToString(("x:" + token).getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"auths\":{\"" + fly.registryHost() + "\":{\"auth\":\"" + auth + "\"}}}");
    String ref = fly.registryHost() + "/" + app + ":v1";
    Cli.Result without = cli.run("exists", ref);
    assertThat(without.code()).isEqualTo(3);
    Cli.Result with = cli.env("DOCKER_CONFIG", dir.toString()).run("exists", ref);
    assertThat(with.code()).as(with.err()).isZero();
    assertThat(with.out()).isEqualTo(ref + " present " + v1.digest() + "\n");
  }

  @Test
  void debugLogsHttpToStderrWithSecretsRedacted() {
    String app = newApp();
    fly.pushImage(app, "v1");
    String ref = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run(fly, token, "exists", ref, "--debug");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("--> HEAD http://" + fly.registryHost() + "/v2/" + app);
    assertThat(r.err()).contains("<-- 200 HEAD");
    assertThat(r.err()).contains("Authorization: REDACTED");
    for (String part : token.split(",")) {
      assertThat(r.err()).doesNotContain(part);
    }
    assertThat(r.err())
        .doesNotContain(Base64.getEncoder().encodeToString(("x:" + token).getBytes()));
  }

  // ------------------------------------------------------------------ manifest inspect

  @Test
  void manifestInspectPrintsTheManifestJson() throws Exception {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    Cli.Result r =
        cli.run(fly, token, "manifest", "inspect", fly.registryHost() + "/" + app + ":v1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readTree(r.out())).isEqualTo(JSON.readTree(v1.manifestJson()));
    assertThat(r.out()).startsWith("{\n   \"schemaVersion\": 2,\n");
  }

  @Test
  void manifestInspectVerboseAddsDigestMediaTypeSizeAndPlatforms() throws Exception {
    String app = newApp();
    EmulatedImage index = fly.pushIndex(app, "multi", false);
    Cli.Result r =
        cli.run(fly, token, "manifest", "inspect", "-v", fly.registryHost() + "/" + app + ":multi");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode node = JSON.readTree(r.out());
    JsonNode d = node.get("Descriptor");
    assertThat(d.get("digest").asText()).isEqualTo(index.digest().toString());
    assertThat(d.get("mediaType").asText()).isEqualTo(index.mediaType());
    assertThat(d.get("size").asLong())
        .isEqualTo(index.manifestJson().getBytes(StandardCharsets.UTF_8).length);
    assertThat(d.get("platforms").toString()).contains("linux/amd64").contains("linux/arm64");
    assertThat(node.get("Manifest")).isEqualTo(JSON.readTree(index.manifestJson()));
  }

  @Test
  void manifestInspectVerboseOfASingleImageNamesItsPlatformFromItsConfig() throws Exception {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    Cli.Result r =
        cli.run(fly, token, "manifest", "inspect", "-v", fly.registryHost() + "/" + app + ":v1");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode d = JSON.readTree(r.out()).get("Descriptor");
    assertThat(d.get("digest").asText()).isEqualTo(v1.digest().toString());
    assertThat(d.get("platform").asText()).isEqualTo("linux/amd64");
    assertThat(d.has("platforms")).isFalse();
  }

  @Test
  void manifestInspectOfAMissingImageExitsOneWithOneLineOnStderr() {
    String app = newApp();
    String ref = fly.registryHost() + "/" + app + ":nope";
    Cli.Result r = cli.run(fly, token, "manifest", "inspect", ref);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("flyreg: no such manifest: " + ref + "\n");
  }

  @Test
  void manifestInspectOfAMissingRepositoryExitsOne() {
    Cli.Result r =
        cli.run(fly, token, "manifest", "inspect", fly.registryHost() + "/no-such-app:v1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
  }

  // ------------------------------------------------------------------ deploy, releases, images

  @Test
  void deployUpdatesEveryMachineAndRecordsARelease() {
    String app = newApp();
    fly.pushImage(app, "v1");
    fly.createMachine(app, "registry.fly.io/" + app + ":v0");
    fly.createMachine(app, "registry.fly.io/" + app + ":v0");
    String image = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run(fly, token, "deploy", "--app", app, "--image", image);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).first().isEqualTo("Deployed " + image + " to app " + app);
    assertThat(r.out()).contains("Release v1 complete: 2 of 2 machine(s) run the image");
    assertThat(fly.machines(app)).allSatisfy(m -> assertThat(m.image()).isEqualTo(image));
    assertThat(fly.releases(app))
        .first()
        .satisfies(rel -> assertThat(rel.imageRef()).isEqualTo(image));
  }

  @Test
  void deployJson() throws Exception {
    String app = newApp();
    fly.pushImage(app, "v1");
    fly.createMachine(app, "registry.fly.io/" + app + ":v0");
    String image = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run(fly, token, "deploy", "-a", app, "-i", image, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode node = JSON.readTree(r.out());
    assertThat(node.get("succeeded").asBoolean()).isTrue();
    assertThat(node.get("release").get("status").asText()).isEqualTo("complete");
    assertThat(node.get("machines").get(0).get("status").asText()).isEqualTo("updated");
  }

  @Test
  void failedDeployDoesNotClaimToHaveDeployed() {
    // an emulator of its own whose Machines API wait gives up at once, not after a minute
    try (FlyEmulator quick = FlyEmulator.builder().maxWait(Duration.ofMillis(50)).start()) {
      quick.createOrganization("personal");
      String quickToken = quick.createToken("personal");
      quick.createApp("personal", "allfail");
      quick.pushImage("allfail", "v1");
      String machine = quick.createMachine("allfail", "registry.fly.io/allfail:v0");
      quick.failNextLaunch("allfail", machine, "failed");
      String image = quick.registryHost() + "/allfail:v1";
      Cli.Result r = cli.run(quick, quickToken, "deploy", "-a", "allfail", "-i", image);
      assertThat(r.code()).isEqualTo(4);
      assertThat(r.out()).doesNotContain("Deployed");
      assertThat(r.outLines().get(0))
          .isEqualTo(
              "Deploy of " + image + " to app allfail failed: 1 of 1 machine(s) not updated");
      assertThat(r.outLines().get(1)).startsWith("  machine " + machine + " not_started");
      assertThat(r.out()).contains("Release v1 failed: 0 of 1 machine(s) run the image");
      assertThat(r.err()).startsWith("flyreg: deploy of " + image);
    }
  }

  @Test
  void deployOfAMissingImageExitsOneAndChangesNothing() {
    String app = newApp();
    fly.createMachine(app, "registry.fly.io/" + app + ":v0");
    Cli.Result r =
        cli.run(fly, token, "deploy", "-a", app, "-i", fly.registryHost() + "/" + app + ":missing");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
    assertThat(fly.releases(app)).isEmpty();
    assertThat(fly.machines(app).get(0).image()).isEqualTo("registry.fly.io/" + app + ":v0");
  }

  @Test
  void deployToAMissingAppExitsOne() {
    String app = newApp();
    fly.pushImage(app, "v1");
    Cli.Result r =
        cli.run(
            fly,
            token,
            "deploy",
            "-a",
            "no-such-app",
            "-i",
            fly.registryHost() + "/" + app + ":v1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
  }

  @Test
  void deployUsageErrorsComeBeforeAnyRequest() {
    int before = requests();
    assertThat(cli.run(fly, token, "deploy", "-a", "-bad-", "-i", "x/y:z").code()).isEqualTo(2);
    assertThat(cli.run(fly, token, "deploy", "-a", "good", "-i", "x/y:bad tag").code())
        .isEqualTo(2);
    assertThat(cli.run(fly, token, "deploy", "-a", "good").code()).isEqualTo(2);
    assertThat(requests()).isEqualTo(before);
  }

  @Test
  void releasesPrintTheTableOfFlyReleasesImage() {
    String app = newApp();
    fly.addRelease(app, "registry.fly.io/" + app + ":v1", "complete");
    fly.addRelease(app, "registry.fly.io/" + app + ":v2", "failed");
    Cli.Result r = cli.run(fly, token, "releases", "-a", app, "--image");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).hasSize(3);
    assertThat(r.outLines().get(0))
        .matches("VERSION +STATUS +DESCRIPTION +USER +DATE +DOCKER IMAGE");
    assertThat(r.outLines().get(1)).startsWith("v2 ").contains("failed").endsWith(app + ":v2");
    assertThat(r.outLines().get(2)).startsWith("v1 ").contains("complete").endsWith(app + ":v1");

    Cli.Result plain = cli.run(fly, token, "releases", "-a", app);
    assertThat(plain.code()).isZero();
    assertThat(plain.out()).doesNotContain("DOCKER IMAGE").doesNotContain(":v1");
    assertThat(plain.outLines().get(0)).matches("VERSION +STATUS +DESCRIPTION +USER +DATE");
  }

  /** Records a release with its own description, as a deploy through the REST API does. */
  static void addRelease(String app, String image, String description) throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "app_name", app, "image", image, "description", description, "status", "complete"));
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(fly.releasesUrl() + "/releases"))
                    .header("Authorization", FlyToken.parse(token).apiAuthorization())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @Test
  void releasesWithoutImageShowNoImageTextWhenADescriptionIsWide() throws Exception {
    String app = newApp();
    addRelease(app, "registry.fly.io/" + app + ":v1", "Deploy image");
    addRelease(app, "registry.fly.io/" + app + ":v2", "デプロイ イメージ");

    Cli.Result plain = cli.run(fly, token, "releases", "-a", app);

    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(plain.out()).doesNotContain("registry").doesNotContain("DOCKER IMAGE");
    assertThat(plain.outLines()).hasSize(3);
    assertThat(plain.outLines().get(1)).startsWith("v2 ").contains("デプロイ イメージ").endsWith(" ago");
    assertThat(plain.outLines().get(2)).startsWith("v1 ").contains("Deploy image").endsWith(" ago");
  }

  @Test
  void releasesLimitAllAndJson() throws Exception {
    String app = newApp();
    for (int i = 1; i <= 30; i++) {
      fly.addRelease(app, "registry.fly.io/" + app + ":v" + i, "complete");
    }
    assertThat(cli.run(fly, token, "releases", "-a", app).outLines()).hasSize(26);
    assertThat(cli.run(fly, token, "releases", "-a", app, "--limit", "3").outLines()).hasSize(4);
    assertThat(cli.run(fly, token, "releases", "-a", app, "--all").outLines()).hasSize(31);
    Cli.Result json = cli.run(fly, token, "releases", "-a", app, "--limit", "2", "--json");
    assertThat(json.code()).isZero();
    JsonNode array = JSON.readTree(json.out());
    assertThat(array.size()).isEqualTo(2);
    assertThat(array.get(0).get("version").asInt()).isEqualTo(30);
    assertThat(array.get(0).get("imageRef").asText()).endsWith(app + ":v30");
  }

  @Test
  void releasesOptionErrorsAreUsageErrors() {
    int before = requests();
    assertThat(cli.run(fly, token, "releases", "-a", "app-x", "--limit", "0").code()).isEqualTo(2);
    assertThat(cli.run(fly, token, "releases", "-a", "app-x", "--limit", "2", "--all").code())
        .isEqualTo(2);
    assertThat(cli.run(fly, token, "releases").code()).isEqualTo(2);
    assertThat(requests()).isEqualTo(before);
  }

  @Test
  void releasesOfAMissingAppExitOne() {
    Cli.Result r = cli.run(fly, token, "releases", "-a", "no-such-app-here");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
  }

  @Test
  void imagesListsDistinctReferencesAcrossApps() {
    String a = newApp();
    String b = newApp();
    fly.addRelease(a, "registry.fly.io/" + a + ":v1", "complete");
    fly.addRelease(a, "registry.fly.io/" + a + ":v2", "complete");
    fly.addRelease(b, "registry.fly.io/" + a + ":v2", "complete");
    fly.addRelease(b, "registry.fly.io/" + b + ":v1", "complete");
    Cli.Result r = cli.run(fly, token, "images", "-a", a, "-a", b);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines())
        .containsExactly(
            "registry.fly.io/" + a + ":v2",
            "registry.fly.io/" + a + ":v1",
            "registry.fly.io/" + b + ":v1");
  }

  // ------------------------------------------------------------------ auth docker, tokens

  @Test
  void authDockerWritesConfigJsonForFlysRegistry() throws Exception {
    Path dir = home.resolve("docker-config");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"other.io\":{\"auth\":\"eDp5\"}}}");
    cli.env("DOCKER_CONFIG", dir.toString());
    Cli.Result r = cli.run(fly, token, "auth", "docker");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Authentication successful").contains("registry.fly.io");
    JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
    assertThat(config.get("auths").get("other.io").get("auth").asText()).isEqualTo("eDp5");
    String auth = config.get("auths").get("registry.fly.io").get("auth").asText();
    assertThat(new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8))
        .isEqualTo("x:" + token);
    assertThat(r.out()).doesNotContain(token);
  }

  @Test
  void tokenComesFromTheEnvironmentWhenNotGiven() {
    String app = newApp();
    fly.addRelease(app, "registry.fly.io/" + app + ":v1", "complete");
    cli.env("FLY_API_TOKEN", token);
    // --api-url takes the GraphQL endpoint too (with or without a trailing slash)
    Cli.Result r =
        cli.run(
            "releases",
            "-a",
            app,
            "--api-url",
            fly.graphqlUrl() + "/",
            "--machines-url",
            fly.machinesUrl());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).hasSize(2);
  }

  @Test
  void missingTokenIsAnAuthenticationError() {
    Cli.Result r = cli.run("releases", "-a", "some-app", "--api-url", fly.apiUrl());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("FLY_ACCESS_TOKEN");
  }

  @Test
  void refusedTokenIsAnAuthenticationError() {
    Cli.Result r =
        cli.run("releases", "-a", "some-app", "--api-url", fly.apiUrl(), "--token", "fm2_nope");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).doesNotContain("fm2_nope");
  }

  // ------------------------------------------------------------------ emulator, usage

  @Test
  void emulatorOptionRunsACommandOnAnEmbeddedEmulator() {
    Cli.Result created = cli.run("apps", "create", "emu-app", "--emulator");
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).isEqualTo("emu-app\n");
    assertThat(fly.appExists("emu-app")).isFalse();

    Cli.Result missing = cli.run("exists", "--emulator", "registry.fly.io/emu-app:v1");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).isEqualTo("registry.fly.io/emu-app:v1 missing\n");
  }

  @Test
  void unknownOptionIsOneUsageLine() {
    Cli.Result r = cli.run("exists", "--frobnicate", "x:y");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("--frobnicate").contains("flyreg exists --help");
  }

  @Test
  void helpDocumentsTheExitCodes() {
    Cli.Result r = cli.run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Exit codes:")
        .contains("1   not found")
        .contains("2   usage error")
        .contains("3   authentication or permission error")
        .contains("4   any other error");
    Cli.Result sub = cli.run("exists", "--help");
    assertThat(sub.out()).contains("Exit codes:").contains("--timeout=DURATION");
  }
}
