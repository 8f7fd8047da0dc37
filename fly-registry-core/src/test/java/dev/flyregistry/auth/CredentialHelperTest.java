package dev.flyregistry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code docker-credential-<name> get} protocol, with shell-script helpers. */
class CredentialHelperTest {
  @TempDir Path dir;
  Path bin;
  Path seen;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for helper scripts");
    bin = Files.createDirectories(dir.resolve("bin"));
    seen = dir.resolve("stdin.txt");
  }

  private DockerConfig config(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
    return DockerConfig.at(dir).withSearchPath(List.of(dir.resolve("empty"), bin));
  }

  /** A helper that records its stdin and arguments, then runs {@code body}. */
  private void helper(String name, String body) throws IOException {
    Path p = bin.resolve("docker-credential-" + name);
    Files.writeString(
        p, "#!/bin/sh\ncat > '" + seen + "'\necho \"$@\" > '" + seen + ".args'\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void credHelperAnswersForItsHost() throws IOException {
    helper(
        "pass",
        "echo '{\"ServerURL\":\"registry.fly.io\",\"Username\":\"x\",\"Secret\":\"fm2_s3cret\"}'");
    DockerConfig c = config("{\"credHelpers\":{\"registry.fly.io\":\"pass\"}}");
    RegistryCredential cred = c.lookup("registry.fly.io").orElseThrow();
    assertThat(cred.username()).isEqualTo("x");
    assertThat(cred.password()).contains("fm2_s3cret");
    assertThat(cred.source()).isEqualTo("docker-credential-pass");
    assertThat(Files.readString(seen)).isEqualTo("registry.fly.io");
    assertThat(Files.readString(Path.of(seen + ".args")).strip()).isEqualTo("get");
  }

  @Test
  void credHelperForAnotherHostIsNotAsked() throws IOException {
    helper("pass", "exit 7");
    DockerConfig c = config("{\"credHelpers\":{\"other.example\":\"pass\"}}");
    assertThat(c.lookup("registry.fly.io")).isEmpty();
    assertThat(seen).doesNotExist();
  }

  @Test
  void credHelperWinsOverAuthsEntry() throws IOException {
    helper("pass", "echo '{\"Username\":\"fromhelper\",\"Secret\":\"s\"}'");
    DockerConfig c =
        config(
            "{\"auths\":{\"r.example\":{\"auth\":\"dTpw\"}},"
                + "\"credHelpers\":{\"r.example\":\"pass\"}}");
    assertThat(c.lookup("r.example").orElseThrow().username()).isEqualTo("fromhelper");
  }

  @Test
  void credsStoreIsUsedWhenNoAuthsEntryHoldsACredential() throws IOException {
    helper("desktop", "echo '{\"Username\":\"u\",\"Secret\":\"p\"}'");
    DockerConfig c = config("{\"auths\":{\"r.example\":{}},\"credsStore\":\"desktop\"}");
    RegistryCredential cred = c.lookup("r.example").orElseThrow();
    assertThat(cred.source()).isEqualTo("docker-credential-desktop");
    assertThat(Files.readString(seen)).isEqualTo("r.example");
  }

  @Test
  void auhtsEntryWithACredentialWinsOverCredsStore() throws IOException {
    helper("desktop", "exit 3");
    DockerConfig c =
        config("{\"auths\":{\"r.example\":{\"auth\":\"dTpw\"}},\"credsStore\":\"desktop\"}");
    assertThat(c.lookup("r.example").orElseThrow().username()).isEqualTo("u");
    assertThat(seen).doesNotExist();
  }

  @Test
  void dockerHubIsAskedWithTheIndexUrl() throws IOException {
    helper("desktop", "echo '{\"Username\":\"u\",\"Secret\":\"p\"}'");
    DockerConfig c = config("{\"credsStore\":\"desktop\"}");
    assertThat(c.lookup("registry-1.docker.io")).isPresent();
    assertThat(Files.readString(seen)).isEqualTo("https://index.docker.io/v1/");
  }

  @Test
  void credentialsNotFoundIsNoCredential() throws IOException {
    helper("pass", "echo 'credentials not found in native keychain'\nexit 1");
    DockerConfig c = config("{\"credsStore\":\"pass\"}");
    assertThat(c.lookup("r.example")).isEmpty();
  }

  @Test
  void tokenUsernameMeansIdentityToken() throws IOException {
    helper("pass", "echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-abc\"}'");
    DockerConfig c = config("{\"credsStore\":\"pass\"}");
    RegistryCredential cred = c.lookup("r.example").orElseThrow();
    assertThat(cred.identityToken()).contains("refresh-abc");
    assertThat(cred.password()).isEmpty();
  }

  @Test
  void missingHelperIsATypedErrorThatNamesIt() throws IOException {
    DockerConfig c = config("{\"credHelpers\":{\"r.example\":\"nosuch\"}}");
    assertThatThrownBy(() -> c.lookup("r.example"))
        .isInstanceOfSatisfying(
            CredentialHelperException.class,
            e -> {
              assertThat(e.helper()).isEqualTo("docker-credential-nosuch");
              assertThat(e.reason()).isEqualTo(CredentialHelperException.Reason.NOT_INSTALLED);
            })
        .hasMessageContaining("docker-credential-nosuch")
        .hasMessageContaining("credHelpers");
  }

  @Test
  void nonExecutableFileIsNotAHelper() throws IOException {
    Files.writeString(bin.resolve("docker-credential-plain"), "#!/bin/sh\nexit 0\n");
    DockerConfig c = config("{\"credsStore\":\"plain\"}");
    assertThatThrownBy(() -> c.lookup("r.example"))
        .isInstanceOfSatisfying(
            CredentialHelperException.class,
            e -> assertThat(e.reason()).isEqualTo(CredentialHelperException.Reason.NOT_INSTALLED));
  }

  @Test
  void helperNameCannotEscapeTheSearchPath() throws IOException {
    DockerConfig c = config("{\"credsStore\":\"../../bin/sh\"}");
    assertThatThrownBy(() -> c.lookup("r.example")).isInstanceOf(CredentialHelperException.class);
  }

  @Test
  void failingHelperIsATypedError() throws IOException {
    helper("pass", "echo 'gpg: decryption failed' >&2\nexit 2");
    DockerConfig c = config("{\"credsStore\":\"pass\"}");
    assertThatThrownBy(() -> c.lookup("r.example"))
        .isInstanceOfSatisfying(
            CredentialHelperException.class,
            e -> assertThat(e.reason()).isEqualTo(CredentialHelperException.Reason.FAILED))
        .hasMessageContaining("exit status 2")
        .hasMessageContaining("decryption failed");
  }

  @Test
  void garbageOutputIsATypedErrorWithoutEchoingIt() throws IOException {
    helper("pass", "echo 'Username=u Secret=topsecret'");
    DockerConfig c = config("{\"credsStore\":\"pass\"}");
    assertThatThrownBy(() -> c.lookup("r.example"))
        .isInstanceOfSatisfying(
            CredentialHelperException.class,
            e -> assertThat(e.reason()).isEqualTo(CredentialHelperException.Reason.BAD_OUTPUT))
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void hangingHelperTimesOutAndIsKilled() throws IOException {
    helper("slow", "exec sleep 60");
    DockerConfig c = config("{\"credsStore\":\"slow\"}").withHelperTimeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> c.lookup("r.example"))
        .isInstanceOfSatisfying(
            CredentialHelperException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(CredentialHelperException.Reason.TIMED_OUT);
              assertThat(e.helper()).isEqualTo("docker-credential-slow");
            });
  }

  @Test
  void chainErrorsNameTheHelper() throws IOException {
    DockerConfig c = config("{\"credsStore\":\"gone\"}");
    Credentials chain = Credentials.defaultChain(null, c);
    assertThatThrownBy(() -> chain.lookup("r.example"))
        .hasMessageContaining("docker-credential-gone");
  }
}
