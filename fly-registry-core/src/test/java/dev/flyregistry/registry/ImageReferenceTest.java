package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  private static final String D =
      "sha256:2b67a04d9f0e6a0a1c1c5b5b0d3f4e0f2b67a04d9f0e6a0a1c1c5b5b0d3f4e0f";

  @ParameterizedTest
  @CsvSource({
    "my-app:v1, registry.fly.io, my-app, v1",
    "my-app, registry.fly.io, my-app, latest",
    "registry.fly.io/app-1:v1, registry.fly.io, app-1, v1",
    "flyio/hellofly:latest, registry-1.docker.io, flyio/hellofly, latest",
    "docker.io/nginx, registry-1.docker.io, library/nginx, latest",
    "index.docker.io/library/nginx:1.27, registry-1.docker.io, library/nginx, 1.27",
    "127.0.0.1:5000/app-1:v1, 127.0.0.1:5000, app-1, v1",
    "localhost/a/b/c:T_1.x-y, localhost, a/b/c, T_1.x-y",
    "[::1]:5000/app:v1, [::1]:5000, app, v1",
    "ghcr.io/a__b/c.d-e---f:v, ghcr.io, a__b/c.d-e---f, v",
  })
  void parsesAndNormalises(String input, String registry, String repository, String tag) {
    ImageReference ref = ImageReference.parse(input);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).contains(tag);
    assertThat(ref.digest()).isEmpty();
    assertThat(ref.reference()).isEqualTo(tag);
    assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
  }

  @Test
  void dockerRuleSendsBareNamesToDockerHubLibrary() {
    ImageReference ref = ImageReference.parseDocker("nginx");
    assertThat(ref.toString()).isEqualTo("registry-1.docker.io/library/nginx:latest");
    assertThat(ImageReference.parse("nginx").toString()).isEqualTo("registry.fly.io/nginx:latest");
  }

  @Test
  void digestReferencesHaveNoDefaultTag() {
    ImageReference ref = ImageReference.parse("registry.fly.io/app@" + D);
    assertThat(ref.tag()).isEmpty();
    assertThat(ref.digest()).contains(Digest.parse(D));
    assertThat(ref.reference()).isEqualTo(D);
    assertThat(ref.toString()).isEqualTo("registry.fly.io/app@" + D);

    ImageReference both = ImageReference.parse("app:v2@" + D);
    assertThat(both.tag()).contains("v2");
    assertThat(both.reference()).isEqualTo(D);
    assertThat(both.withoutDigest().toString()).isEqualTo("registry.fly.io/app:v2");
  }

  @Test
  void tagOf128CharactersIsTheLimit() {
    String ok = "a".repeat(128);
    assertThat(ImageReference.parse("app:" + ok).tag()).contains(ok);
    assertThatThrownBy(() -> ImageReference.parse("app:" + ok + "a"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("longer than 128");
  }

  @Test
  void nameLongerThan255IsRejected() {
    String longName = "a/".repeat(130) + "a";
    assertThatThrownBy(() -> ImageReference.parse("registry.fly.io/" + longName))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("longer than 255");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|-1|empty",
        "app:|4|tag is empty",
        "app:-v1|4|tag character '-'",
        "App:v1|0|lower case",
        "reg.io/app_/x|10|must not end with a separator",
        "reg.io//x|7|empty path component",
        "reg.io/a/x:v 1|-2|whitespace",
        "reg.io:99999/app|7|port must be in 1..65535",
        "reg.io:abc/app|7|port must be a number",
        "-reg.io/app|0|must not start or end with '-'",
        "app@sha256:abc|4|64 hex",
        "app@md5:abc|4|unsupported digest algorithm",
        "reg.io/a$b|8|character not allowed",
      })
  void rejectsWithWhatAndWhere(String input, int index, String message) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOfSatisfying(
            InvalidReferenceException.class,
            e -> {
              assertThat(e.input()).isEqualTo(input);
              if (index >= -1) {
                assertThat(e.index()).isEqualTo(index);
              }
            })
        .hasMessageContaining(message)
        .hasMessageContaining(input.isEmpty() ? "reference is empty" : input);
  }

  @Test
  void ofValidatesParts() {
    assertThat(ImageReference.of("registry.fly.io", "app-1", null).toString())
        .isEqualTo("registry.fly.io/app-1:latest");
    assertThat(ImageReference.flyApp("app-2", "v3").isFly()).isTrue();
    assertThatThrownBy(() -> ImageReference.of("registry.fly.io", "App", "v1"))
        .isInstanceOf(InvalidReferenceException.class);
    assertThatThrownBy(() -> ImageReference.flyApp("app", "bad tag"))
        .isInstanceOf(InvalidReferenceException.class);
  }

  @Test
  void withersKeepTheRest() {
    ImageReference ref = ImageReference.parse("registry.fly.io/app-1:v1");
    assertThat(ref.withTag("v2").toString()).isEqualTo("registry.fly.io/app-1:v2");
    assertThat(ref.withRepository("app-2").toString()).isEqualTo("registry.fly.io/app-2:v1");
    assertThat(ref.withDigest(Digest.parse(D)).reference()).isEqualTo(D);
    assertThat(ref.name()).isEqualTo("registry.fly.io/app-1");
  }

  @Test
  void withRepositoryHoldsTheRulesOfParse() {
    ImageReference fly = ImageReference.parse("registry.fly.io/app-1:v1");
    String longPath = "a".repeat(255 - "registry.fly.io/".length() + 1);
    assertThatThrownBy(() -> fly.withRepository(longPath))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("longer than 255");
    assertThat(fly.withRepository(longPath.substring(1)).repository())
        .hasSize(longPath.length() - 1);

    ImageReference hub = ImageReference.parseDocker("nginx:1.27");
    assertThat(hub.withRepository("redis"))
        .isEqualTo(ImageReference.parseDocker("redis:1.27"))
        .hasToString("registry-1.docker.io/library/redis:1.27");
  }
}
