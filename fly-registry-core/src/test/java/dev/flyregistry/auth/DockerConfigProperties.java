package dev.flyregistry.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.testing.JsonMutator;
import dev.flyregistry.testing.Samples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code config.json} files as users and tools leave them: lookups in generated files (valid,
 * near-valid, noise) give a credential, empty, or {@link DockerConfigException}; nothing else. A
 * valid {@code auths} entry (standard or URL-safe base64, padded or not, key with or without a
 * scheme) gives back exactly its username and password.
 */
class DockerConfigProperties {
  private static Path root;

  @BeforeAll
  static void makeRoot() throws IOException {
    root = Files.createTempDirectory("docker-config-properties");
  }

  @AfterAll
  static void removeRoot() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Each try rewrites the one file; each DockerConfig instance has its own cache. */
  private static DockerConfig write(byte[] content) {
    try {
      Files.write(root.resolve("config.json"), content);
      return DockerConfig.at(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String HOSTS[] = {
    "registry.fly.io", "127.0.0.1:5000", "ghcr.io", "registry-1.docker.io", "localhost"
  };

  static String printable(Random r, int max) {
    String chars = "abcXYZ019!@#$%^&*()_+-=[]{};'\"\\|,.<>/? é:";
    StringBuilder b = new StringBuilder();
    int n = 1 + r.nextInt(max);
    for (int i = 0; i < n; i++) {
      b.append(chars.charAt(r.nextInt(chars.length())));
    }
    return b.toString();
  }

  record Entry(String key, String host, String user, String password, String json) {}

  static Entry entry(Random r) {
    String host = HOSTS[r.nextInt(HOSTS.length)];
    String user = printable(r, 10).replace(":", "");
    if (user.isEmpty()) {
      user = "x";
    }
    String password = printable(r, 40);
    byte[] pair = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    String auth =
        switch (r.nextInt(4)) {
          case 0 -> Base64.getEncoder().encodeToString(pair);
          case 1 -> Base64.getUrlEncoder().encodeToString(pair);
          case 2 -> Base64.getUrlEncoder().withoutPadding().encodeToString(pair);
          default -> Base64.getEncoder().withoutPadding().encodeToString(pair);
        };
    String key =
        switch (r.nextInt(3)) {
          case 0 -> host;
          case 1 -> "https://" + host;
          default -> "https://" + host + "/v1/";
        };
    if (host.equals("registry-1.docker.io") && r.nextBoolean()) {
      key = "https://index.docker.io/v1/";
    }
    String json =
        "{\"auths\":{\""
            + key
            + "\":{\"auth\":\""
            + auth
            + "\""
            + (r.nextBoolean() ? ",\"email\":\"a@b.c\"" : "")
            + "}},\"HttpHeaders\":{\"User-Agent\":\"x\"},\"psFormat\":\"table\"}";
    return new Entry(key, host, user, password, json);
  }

  @Test
  void aValidEntryGivesBackItsCredentials() {
    Samples.forAll(
        random -> {
          Entry e = entry(random);
          Optional<RegistryCredential> c =
              write(e.json().getBytes(StandardCharsets.UTF_8)).lookup(e.host());

          assertThat(c).as(e.json()).isPresent();
          assertThat(c.get().username()).isEqualTo(e.user());
          assertThat(c.get().password()).contains(e.password());
        });
  }

  @Test
  void nearValidFilesGiveACredentialEmptyOrDockerConfigException() {
    Samples.forAll(
        random -> {
          Entry e = entry(random);
          check(JsonMutator.mutate(e.json(), random).getBytes(StandardCharsets.UTF_8), e.host());
        });
  }

  @Test
  void noiseGivesEmptyOrDockerConfigException() {
    Samples.forAll(
        random -> {
          byte[] noise = Samples.noiseBytes(random);
          check(noise, HOSTS[random.nextInt(HOSTS.length)]);
        });
  }

  /** Found by the properties: BigDecimal's NumberFormatException escaped from lookup and login. */
  @Test
  void aNumberTooLargeForExactDecimalsIsAMalformedFile() {
    byte[] content = "{\"auths\":{},\"n\":123456e789012345678901234567890}".getBytes(UTF_8);
    assertThatThrownBy(() -> write(content).lookup("registry.fly.io"))
        .isInstanceOf(DockerConfigException.class)
        .hasMessageContaining("malformed");
    assertThatThrownBy(() -> write(content).login("registry.fly.io", "x", "pw"))
        .isInstanceOf(DockerConfigException.class);
  }

  private static void check(byte[] content, String host) {
    DockerConfig config = write(content);
    try {
      Optional<RegistryCredential> c = config.lookup(host);
      c.ifPresent(x -> assertThat(x.username()).isNotNull());
    } catch (DockerConfigException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2_000);
    }
  }
}
