package dev.flyregistry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsChainTest {
  @TempDir Path dir;

  private DockerConfig docker() throws IOException {
    // auths: registry.fly.io -> "docker:fromfile", r.example -> "u:p"
    Files.writeString(
        dir.resolve("config.json"),
        "{\"auths\":{\"registry.fly.io\":{\"auth\":\"ZG9ja2VyOmZyb21maWxl\"},"
            + "\"r.example\":{\"auth\":\"dTpw\"}}}");
    return DockerConfig.at(dir);
  }

  @Test
  void flyTokenWinsForFlyRegistryOnly() throws IOException {
    Credentials chain = Credentials.defaultChain(FlyToken.parse("FlyV1 fm2_tok"), docker());
    RegistryCredential fly = chain.lookup("registry.fly.io").orElseThrow();
    assertThat(fly.username()).isEqualTo("x");
    assertThat(fly.password()).contains("fm2_tok");
    assertThat(fly.source()).isEqualTo("Fly token from explicit token");
    RegistryCredential other = chain.lookup("r.example").orElseThrow();
    assertThat(other.username()).isEqualTo("u");
    assertThat(other.source()).isEqualTo(dir.resolve("config.json").toString());
  }

  @Test
  void withoutATokenTheDockerConfigAnswersForFly() throws IOException {
    Credentials chain = Credentials.defaultChain(null, docker());
    RegistryCredential c = chain.lookup("registry.fly.io").orElseThrow();
    assertThat(c.username()).isEqualTo("docker");
    assertThat(c.password()).contains("fromfile");
  }

  @Test
  void explicitCredentialsGoFirst() throws IOException {
    Credentials chain =
        Credentials.basic("registry.fly.io", "me", "explicit")
            .orElse(Credentials.defaultChain(FlyToken.parse("fm2_tok"), docker()));
    assertThat(chain.lookup("registry.fly.io").orElseThrow().password()).contains("explicit");
    assertThat(chain.lookup("registry.fly.io").orElseThrow().source())
        .isEqualTo("explicit credentials");
    assertThat(chain.lookup("r.example").orElseThrow().username()).isEqualTo("u");
  }

  @Test
  void unknownHostIsAnonymous() throws IOException {
    assertThat(Credentials.defaultChain(FlyToken.parse("fm2_t"), docker()).lookup("ghcr.io"))
        .isEmpty();
  }

  @Test
  void flyTokenSourceNamesTheVariable() {
    FlyToken t = FlyToken.find(java.util.Map.of("FLY_API_TOKEN", "fm2_t"), dir).orElseThrow();
    assertThat(Credentials.fly(t).lookup("REGISTRY.FLY.IO").orElseThrow().source())
        .isEqualTo("Fly token from FLY_API_TOKEN");
  }

  @Test
  void dockerConfigSourceReadsLaterChanges() throws IOException {
    DockerConfig d = DockerConfig.at(dir);
    Credentials chain = Credentials.dockerConfig(d);
    assertThat(chain.lookup("new.example")).isEmpty();
    d.login("new.example", "n", "m");
    assertThat(chain.lookup("new.example").orElseThrow().username()).isEqualTo("n");
  }

  @Test
  void defaultChainWithoutArgumentsReadsTheBuildsDockerConfig() {
    // The build points DOCKER_CONFIG at an empty directory, so nothing is found for a made-up host.
    assertThat(Credentials.defaultChain().lookup("nothing-here.invalid")).isEmpty();
  }
}
