package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.examples.SampleImage;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.LocalRegistryExtension;
import dev.flyregistry.testing.Skopeo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manifest inspect}, {@code exists}, {@code push} and {@code copy} against the real CNCF
 * distribution registry (Basic auth with a Fly-style {@code x} account, on 127.0.0.1), with skopeo
 * pushing and reading the same images. Real-registry profile only.
 */
class FlyregRealRegistryIT {
  @RegisterExtension
  static final LocalRegistryExtension REGISTRY = LocalRegistryExtension.htpasswd();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREDS = LocalRegistry.FLY_USER + ":" + LocalRegistry.FLY_PASSWORD;

  static Skopeo skopeo;
  static Skopeo.Auth auth;
  static SampleImage seeded;

  @TempDir static Path work;

  @BeforeAll
  static void seed() {
    skopeo = Skopeo.create();
    auth = Skopeo.basic(LocalRegistry.FLY_USER, LocalRegistry.FLY_PASSWORD);
    seeded = SampleImage.write(work.resolve("seeded"), "v1", "pushed by skopeo");
    skopeo.pushOciLayout(
        seeded.directory(),
        "v1",
        REGISTRY.registry().ref("app-1:v1"),
        auth,
        Skopeo.Format.KEEP,
        false);
  }

  private static Cli cli() {
    return new Cli(work.resolve("home"));
  }

  @Test
  void manifestInspectPrintsWhatSkopeoReads() throws Exception {
    String ref = REGISTRY.registry().ref("app-1:v1");
    Cli.Result r = cli().run("manifest", "inspect", "--creds", CREDS, ref);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readTree(r.out())).isEqualTo(JSON.readTree(skopeo.inspectRaw(ref, auth)));
  }

  @Test
  void manifestInspectOfAMissingTagExitsOne() {
    String ref = REGISTRY.registry().ref("app-1:missing");
    Cli.Result r = cli().run("manifest", "inspect", "--creds", CREDS, ref);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("flyreg: no such manifest: " + ref + "\n");
  }

  @Test
  void existsReportsPresentAndMissing() {
    String present = REGISTRY.registry().ref("app-1:v1");
    String missing = REGISTRY.registry().ref("app-1:v0");
    Cli.Result r = cli().run("exists", "--creds", CREDS, present, missing);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.outLines())
        .containsExactly(present + " present " + seeded.manifestDigest(), missing + " missing");
  }

  @Test
  void wrongCredentialsExitThree() {
    Cli.Result r = cli().run("exists", "--creds", "x:wrong", REGISTRY.registry().ref("app-1:v1"));
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).doesNotContain("wrong");
  }

  @Test
  void pushedImageIsReadBackBySkopeoWithTheBuiltDigest() {
    SampleImage image = SampleImage.write(work.resolve("to-push"), "v2", "pushed by flyreg");
    String ref = REGISTRY.registry().ref("app-2:v2");
    Cli.Result r = cli().run("push", "--creds", CREDS, image.directory() + ":v2", ref);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("v2: digest: " + image.manifestDigest());
    assertThat(Digest.sha256(skopeo.inspectRaw(ref, auth))).isEqualTo(image.manifestDigest());
  }

  @Test
  void pushesADockerSaveArchiveThatSkopeoWrote() throws Exception {
    Path tar = work.resolve("saved.tar");
    Process p =
        new ProcessBuilder(
                "skopeo",
                "--insecure-policy",
                "copy",
                "-q",
                "oci:" + seeded.directory().toAbsolutePath() + ":v1",
                "docker-archive:" + tar.toAbsolutePath() + ":saved:v1")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    String ref = REGISTRY.registry().ref("app-4:saved");
    Cli.Result r = cli().run("push", "--creds", CREDS, tar.toString(), ref);
    assertThat(r.code()).as(r.err()).isZero();
    String digest = r.out().substring(r.out().indexOf("sha256:")).split(" ")[0];
    assertThat(Digest.sha256(skopeo.inspectRaw(ref, auth)).toString()).isEqualTo(digest);
    Cli.Result exists = cli().run("exists", "--creds", CREDS, ref);
    assertThat(exists.out()).isEqualTo(ref + " present " + digest + "\n");
  }

  @Test
  void copyKeepsTheDigestSkopeoReads() {
    String from = REGISTRY.registry().ref("app-1:v1");
    String to = REGISTRY.registry().ref("app-3:copied");
    Cli.Result r = cli().run("copy", "--creds", CREDS, from, to);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Digest.sha256(skopeo.inspectRaw(to, auth))).isEqualTo(seeded.manifestDigest());
  }
}
