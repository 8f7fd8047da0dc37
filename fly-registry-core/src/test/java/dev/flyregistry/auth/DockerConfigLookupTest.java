package dev.flyregistry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerConfigLookupTest {
  @TempDir Path dir;

  private DockerConfig config() {
    return DockerConfig.at(dir);
  }

  private void write(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
  }

  private static String std(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String urlSafeUnpadded(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void missingFileHasNoCredentials() {
    assertThat(config().lookup("registry.fly.io")).isEmpty();
  }

  @Test
  void readsStandardBase64() throws IOException {
    write("{\"auths\":{\"registry.fly.io\":{\"auth\":\"" + std("x:fm2_abc") + "\"}}}");
    RegistryCredential c = config().lookup("registry.fly.io").orElseThrow();
    assertThat(c.username()).isEqualTo("x");
    assertThat(c.password()).contains("fm2_abc");
    assertThat(c.source()).isEqualTo(dir.resolve("config.json").toString());
  }

  @Test
  void readsUrlSafeBase64PaddedOrNot() throws IOException {
    // bytes chosen so that standard base64 holds '+' and '/', which URL-safe writes as '-' and '_'
    String password = "fm2_\u00fb\u00ff\u00bf>?";
    String padded =
        Base64.getUrlEncoder().encodeToString(("x:" + password).getBytes(StandardCharsets.UTF_8));
    assertThat(padded).containsAnyOf("-", "_").endsWith("=");
    write(
        "{\"auths\":{\"a.example\":{\"auth\":\""
            + padded
            + "\"},\"b.example\":{\"auth\":\""
            + urlSafeUnpadded("x:" + password)
            + "\"},\"c.example\":{\"auth\":\""
            + std("x:" + password).replace("=", "")
            + "\"}}}");
    for (String host : new String[] {"a.example", "b.example", "c.example"}) {
      assertThat(config().lookup(host).orElseThrow().password()).as(host).contains(password);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "registry.fly.io",
        "https://registry.fly.io",
        "http://registry.fly.io",
        "https://registry.fly.io/v1/",
        "REGISTRY.fly.io",
        "registry.fly.io/v2/"
      })
  void keysMatchWithOrWithoutSchemeAndPath(String key) throws IOException {
    write("{\"auths\":{\"" + key + "\":{\"auth\":\"" + std("x:tok") + "\"}}}");
    assertThat(config().lookup("registry.fly.io")).isPresent();
    assertThat(config().lookup("registry.fly.io:443")).isEmpty();
    assertThat(config().lookup("other.fly.io")).isEmpty();
  }

  @Test
  void portsAreMatchedExactly() throws IOException {
    write("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + std("u:p") + "\"}}}");
    assertThat(config().lookup("127.0.0.1:5000")).isPresent();
    assertThat(config().lookup("127.0.0.1:5001")).isEmpty();
    assertThat(config().lookup("127.0.0.1")).isEmpty();
  }

  @Test
  void dockerHubAliasesShareTheIndexKey() throws IOException {
    write("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + std("me:pw") + "\"}}}");
    assertThat(config().lookup("registry-1.docker.io").orElseThrow().username()).isEqualTo("me");
    assertThat(config().lookup("docker.io")).isPresent();
    assertThat(config().lookup("index.docker.io")).isPresent();
  }

  @Test
  void identityTokenBecomesARefreshTokenCredential() throws IOException {
    write(
        "{\"auths\":{\"r.example\":{\"auth\":\""
            + std("someone:")
            + "\",\"identitytoken\":\"refresh-123\"}}}");
    RegistryCredential c = config().lookup("r.example").orElseThrow();
    assertThat(c.identityToken()).contains("refresh-123");
    assertThat(c.password()).isEmpty();
    assertThat(c.username()).isEqualTo("someone");
    assertThat(c.toString()).doesNotContain("refresh-123");
  }

  @Test
  void entryWithoutAuthIsTolerated() throws IOException {
    write(
        "{\"auths\":{\"r.example\":{},\"s.example\":{\"email\":\"a@b\"},"
            + "\"t.example\":{\"auth\":\"\"}},\"psFormat\":\"table\"}");
    assertThat(config().lookup("r.example")).isEmpty();
    assertThat(config().lookup("s.example")).isEmpty();
    assertThat(config().lookup("t.example")).isEmpty();
  }

  @Test
  void separateUsernameAndPasswordFieldsAreRead() throws IOException {
    write("{\"auths\":{\"r.example\":{\"username\":\"u\",\"password\":\"p\"}}}");
    RegistryCredential c = config().lookup("r.example").orElseThrow();
    assertThat(c.username()).isEqualTo("u");
    assertThat(c.password()).contains("p");
  }

  @Test
  void exactKeyWinsOverAnEquivalentKey() throws IOException {
    write(
        "{\"auths\":{\"https://r.example\":{\"auth\":\""
            + std("a:1")
            + "\"},\"r.example\":{\"auth\":\""
            + std("b:2")
            + "\"}}}");
    assertThat(config().lookup("r.example").orElseThrow().username()).isEqualTo("b");
  }

  @Test
  void badBase64IsATypedErrorWithoutTheSecret() throws IOException {
    write("{\"auths\":{\"r.example\":{\"auth\":\"%%%secret%%%\"}}}");
    assertThatThrownBy(() -> config().lookup("r.example"))
        .isInstanceOf(DockerConfigException.class)
        .hasMessageContaining("r.example")
        .hasMessageContaining("base64")
        .hasMessageNotContaining("secret");
  }

  @Test
  void authWithoutColonIsATypedError() throws IOException {
    write("{\"auths\":{\"r.example\":{\"auth\":\"" + std("nocolonsecret") + "\"}}}");
    assertThatThrownBy(() -> config().lookup("r.example"))
        .isInstanceOf(DockerConfigException.class)
        .hasMessageContaining("username:password")
        .hasMessageNotContaining("nocolonsecret");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "[]",
        "{\"auths\": []}",
        "{} {}",
        "{\"credHelpers\": 3}",
        "{\"auths\": {\"a\": 1}"
      })
  void malformedFileIsATypedError(String json) throws IOException {
    write(json);
    assertThatThrownBy(() -> config().lookup("a"))
        .isInstanceOf(DockerConfigException.class)
        .hasMessageContaining("malformed")
        .satisfies(
            e ->
                assertThat(((DockerConfigException) e).file())
                    .isEqualTo(dir.resolve("config.json")));
  }

  @Test
  void emptyFileIsAnEmptyConfig() throws IOException {
    write("  \n");
    assertThat(config().lookup("r.example")).isEmpty();
  }

  @Test
  void rereadsTheFileWhenItChanges() throws IOException {
    DockerConfig c = config();
    Path file = dir.resolve("config.json");
    write("{\"auths\":{\"r.example\":{\"auth\":\"" + std("one:1") + "\"}}}");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    assertThat(c.lookup("r.example").orElseThrow().username()).isEqualTo("one");
    // same size, new content, new mtime
    write("{\"auths\":{\"r.example\":{\"auth\":\"" + std("two:2") + "\"}}}");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:05Z")));
    assertThat(c.lookup("r.example").orElseThrow().username()).isEqualTo("two");
  }

  @Test
  void cachesWhileTheFileIsUnchanged() throws IOException {
    DockerConfig c = config();
    Path file = dir.resolve("config.json");
    write("{\"auths\":{\"r.example\":{\"auth\":\"" + std("one:1") + "\"}}}");
    FileTime t = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    Files.setLastModifiedTime(file, t);
    assertThat(c.lookup("r.example").orElseThrow().username()).isEqualTo("one");
    // rewrite in place with the same size and the same mtime: the cached parse is served
    try (var ch =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(
          java.nio.ByteBuffer.wrap(
              ("{\"auths\":{\"r.example\":{\"auth\":\"" + std("two:2") + "\"}}}")
                  .getBytes(StandardCharsets.UTF_8)));
    }
    Files.setLastModifiedTime(file, t);
    assertThat(c.lookup("r.example").orElseThrow().username()).isEqualTo("one");
  }

  @Test
  void defaultLocationHonoursDockerConfigVariable() {
    Path home = dir.resolve("home");
    assertThat(DockerConfig.defaultLocation(Map.of(), home).file())
        .isEqualTo(home.resolve(".docker/config.json"));
    assertThat(DockerConfig.defaultLocation(Map.of("DOCKER_CONFIG", dir.toString()), home).file())
        .isEqualTo(dir.resolve("config.json"));
    assertThat(DockerConfig.defaultLocation(Map.of(), home).toString())
        .contains("~/.docker/config.json");
  }

  @Test
  void defaultLocationSourceIsTheHomeRelativeName() throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(
        home.resolve(".docker/config.json"),
        "{\"auths\":{\"r.example\":{\"auth\":\"" + std("u:p") + "\"}}}");
    assertThat(
            DockerConfig.defaultLocation(Map.of(), home).lookup("r.example").orElseThrow().source())
        .isEqualTo("~/.docker/config.json");
  }

  @Test
  void rejectsEmptyHost() {
    assertThatThrownBy(() -> config().lookup(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
