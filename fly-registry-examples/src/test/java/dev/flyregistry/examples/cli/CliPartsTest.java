package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.MediaTypes;
import dev.flyregistry.registry.PushProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** The CLI's small parts: durations, header redaction, the progress bar, stray usage. */
class CliPartsTest {
  @TempDir Path home;

  @Test
  void durationsReadLikeGo() {
    assertThat(Converters.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Converters.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Converters.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Converters.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    for (String bad : new String[] {"", "2", "s", "-1s", "1.5s", "0s", "2 s", "10d"}) {
      assertThatThrownBy(() -> Converters.parseDuration(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class);
    }
  }

  @Test
  void debugLogRedactsSecretHeaders() {
    Headers headers =
        new Headers.Builder()
            .add("Authorization", "Basic eDpmbTJfc2VjcmV0")
            .add("Cookie", "session=abc")
            .add("fly-machine-lease-nonce", "n0nce")
            .add("X-Api-Token", "t0k")
            .add("Content-Type", "application/json")
            .build();
    String text = HttpDebugLog.headers(headers);
    assertThat(text)
        .contains("Authorization: REDACTED")
        .contains("Cookie: REDACTED")
        .contains("fly-machine-lease-nonce: REDACTED")
        .contains("X-Api-Token: REDACTED")
        .contains("Content-Type: application/json")
        .doesNotContain("eDpmbTJfc2VjcmV0")
        .doesNotContain("abc")
        .doesNotContain("n0nce")
        .doesNotContain("t0k");
  }

  private static Descriptor blob(String content) {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(b), 2048);
  }

  @Test
  void progressBarOnATerminalRedrawsOneLine() {
    StringWriter err = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(err), true);
    Descriptor a = blob("a");
    bar.blobStarted(a);
    bar.bytesSent(a, 1024, 2048);
    bar.blobDone(a);
    bar.finish();
    String text = err.toString();
    assertThat(text).contains("\r[").contains("100% 2.0 KiB/2.0 KiB").endsWith("\n");
    assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }

  @Test
  void progressWithoutATerminalIsOneLinePerBlob() {
    StringWriter err = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(err), false);
    Descriptor a = blob("a");
    Descriptor b = blob("b");
    bar.blobStarted(a);
    bar.bytesSent(a, 1024, 2048);
    bar.blobDone(a);
    bar.blobSkipped(b, PushProgress.SkipReason.MOUNTED);
    bar.finish();
    assertThat(err.toString().split("\n"))
        .containsExactly(
            "sha256:" + a.digest().hex().substring(0, 12) + ": pushed (2.0 KiB)",
            "sha256:" + b.digest().hex().substring(0, 12) + ": mounted (2.0 KiB)");
  }

  @Test
  void sizesAreHumanReadable() {
    assertThat(ProgressBar.size(512)).isEqualTo("512 B");
    assertThat(ProgressBar.size(1536)).isEqualTo("1.5 KiB");
    assertThat(ProgressBar.size(5L * 1024 * 1024)).isEqualTo("5.0 MiB");
  }

  @Test
  void strayUsageIsExitTwoWithOneLine() {
    Cli cli = new Cli(home);
    for (String[] args :
        new String[][] {
          {},
          {"frobnicate"},
          {"apps"},
          {"auth"},
          {"manifest"},
          {"exists"},
          {"exists", "--creds", "no-colon", "a/b:c"},
          {"releases", "-a", "app", "--api-url", "http://api.example.com"},
          {"releases", "-a", "app", "--machines-url", "not a url"},
          {"releases", "-a", "app", "--token", "bad token with spaces"},
          {"exists", "--insecure-registry", "http://x/y", "a/b:c"}
        }) {
      Cli.Result r = cli.run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
      assertThat(r.errLines()).as(String.join(" ", args)).hasSize(1);
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void authDockerOnTheEmulatorLeavesTheUsersDockerConfigAlone() {
    Cli.Result r = new Cli(home).run("auth", "docker", "--emulator");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Authentication successful").contains("127.0.0.1:");
    assertThat(home.resolve(".docker")).doesNotExist();
  }
}
