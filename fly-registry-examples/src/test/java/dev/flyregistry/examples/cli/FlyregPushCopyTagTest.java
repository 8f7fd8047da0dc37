package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.examples.SampleImage;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.testkit.EmulatedImage;
import org.junit.jupiter.api.Test;

/** push, copy and tag end to end against an in-process emulator. */
class FlyregPushCopyTagTest extends EmulatorCliTestBase {
  FlyregPushCopyTagTest() {
    super("push-app-");
  }

  @Test
  void pushesAnOciLayoutAndPrintsTheDigestLikeDockerPush() {
    String app = newApp();
    SampleImage image = SampleImage.write(home.resolve("layout"), "v1", "hi");
    String ref = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run(fly, token, "push", image.directory().toString(), ref);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "v1: digest: " + image.manifestDigest() + " size: " + image.manifestSize() + "\n");
    assertThat(fly.hasManifest(app, "v1")).isTrue();
    assertThat(fly.hasManifest(app, image.manifestDigest().toString())).isTrue();
    // progress on stderr, one line per blob when not on a terminal
    assertThat(r.err()).contains(": pushed (").contains("manifest " + image.manifestDigest());

    Cli.Result again = cli.run(fly, token, "push", image.directory() + ":v1", ref);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).contains("already exists").doesNotContain(": pushed (");
  }

  @Test
  void pushJson() throws Exception {
    String app = newApp();
    SampleImage image = SampleImage.write(home.resolve("layout"), "v1", "json");
    Cli.Result r =
        cli.run(
            fly,
            token,
            "push",
            "--json",
            image.directory().toString(),
            fly.registryHost() + "/" + app + ":v1");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode node = JSON.readTree(r.out());
    assertThat(node.get("digest").asText()).isEqualTo(image.manifestDigest().toString());
    assertThat(node.get("blobsUploaded").asInt()).isEqualTo(2);
  }

  @Test
  void sourceErrorsAndMalformedReferencesAreUsageErrorsBeforeAnyRequest() {
    String app = newApp();
    SampleImage image = SampleImage.write(home.resolve("layout"), "v1", "x");
    String ref = fly.registryHost() + "/" + app + ":v1";
    int before = requests();
    Cli.Result wrongName = cli.run(fly, token, "push", image.directory() + ":v9", ref);
    assertThat(wrongName.code()).isEqualTo(2);
    assertThat(wrongName.errLines()).hasSize(1);
    Cli.Result noDir = cli.run(fly, token, "push", home.resolve("nope").toString(), ref);
    assertThat(noDir.code()).isEqualTo(2);
    assertThat(noDir.errLines()).hasSize(1);
    Cli.Result badRef = cli.run(fly, token, "push", image.directory().toString(), "a//b");
    assertThat(badRef.code()).isEqualTo(2);
    assertThat(requests()).isEqualTo(before);
    assertThat(fly.hasManifest(app, "v1")).isFalse();
  }

  @Test
  void pushToAnAppThatDoesNotExistIsNotFound() {
    SampleImage image = SampleImage.write(home.resolve("layout"), "v1", "x");
    Cli.Result r =
        cli.run(
            fly,
            token,
            "push",
            image.directory().toString(),
            fly.registryHost() + "/no-such-app-9:v1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines()).last().asString().startsWith("flyreg: ");
  }

  @Test
  void copyMountsBlobsSoNoLayerBytesMove() {
    String a = newApp();
    String b = newApp();
    EmulatedImage v1 = fly.pushImage(a, "v1");
    fly.metrics().reset();
    String from = fly.registryHost() + "/" + a + ":v1";
    String to = fly.registryHost() + "/" + b + ":v1";
    Cli.Result r = cli.run(fly, token, "copy", from, to);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("Copied " + from + " to " + to + " (" + v1.digest() + "): 2 blob(s) mounted")
        .contains(" 0 bytes sent");
    assertThat(fly.metrics().blobBytesReceived(b)).isZero();
    assertThat(fly.manifest(b, "v1"))
        .hasValueSatisfying(bytes -> assertThat(Digest.sha256(bytes)).isEqualTo(v1.digest()));
  }

  @Test
  void copyOfAMissingImageIsNotFound() {
    String a = newApp();
    String b = newApp();
    Cli.Result r =
        cli.run(
            fly,
            token,
            "copy",
            fly.registryHost() + "/" + a + ":nope",
            fly.registryHost() + "/" + b + ":v1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
  }

  @Test
  void tagKeepsTheDigest() {
    String app = newApp();
    EmulatedImage v1 = fly.pushImage(app, "v1");
    String ref = fly.registryHost() + "/" + app + ":v1";
    Cli.Result r = cli.run(fly, token, "tag", ref, "stable");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "Tagged "
                + ref
                + " as "
                + fly.registryHost()
                + "/"
                + app
                + ":stable ("
                + v1.digest()
                + ")\n");
    assertThat(fly.manifest(app, "stable"))
        .hasValueSatisfying(bytes -> assertThat(Digest.sha256(bytes)).isEqualTo(v1.digest()));
  }

  @Test
  void invalidNewTagIsAUsageError() {
    String app = newApp();
    fly.pushImage(app, "v1");
    int before = requests();
    Cli.Result r = cli.run(fly, token, "tag", fly.registryHost() + "/" + app + ":v1", "-bad tag");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(requests()).isEqualTo(before);
  }

  @Test
  void tagOfAMissingImageIsNotFound() {
    String app = newApp();
    Cli.Result r = cli.run(fly, token, "tag", fly.registryHost() + "/" + app + ":v1", "v2");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
  }
}
