package dev.flyregistry.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.DockerConfig;
import dev.flyregistry.auth.RegistryCredential;
import dev.flyregistry.machines.App;
import dev.flyregistry.machines.DeployFailedException;
import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.ImageNotFoundException;
import dev.flyregistry.registry.CopyResult;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.PushProgress;
import dev.flyregistry.registry.PushResult;
import dev.flyregistry.registry.RegistryAuthenticationException;
import dev.flyregistry.registry.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example's static method, driven with a sandbox's clients; and each main, as documented. */
class ExamplesTest {
  Sandbox fly;

  @BeforeEach
  void start() {
    fly = Sandbox.start();
  }

  @AfterEach
  void stop() {
    fly.close();
  }

  @Test
  void createAppNamedAndGenerated() {
    App named = CreateApp.named(fly.machines(), "my-app", Sandbox.ORG);
    assertThat(named.name()).isEqualTo("my-app");
    App generated = CreateApp.generated(fly.machines(), Sandbox.ORG);
    assertThat(generated.name()).matches("[a-z]+-[a-z]+-[0-9]+");
    assertThat(fly.emulator().apps(Sandbox.ORG)).containsExactly("my-app", generated.name());
  }

  @Test
  void authenticateDockerWritesACredentialTheRegistryAccepts(@TempDir Path dir) {
    Path file = AuthenticateDocker.run(DockerConfig.at(dir), fly.registryHost(), fly.token());
    assertThat(file).isEqualTo(dir.resolve("config.json")).exists();
    Optional<RegistryCredential> found = DockerConfig.at(dir).lookup(fly.registryHost());
    assertThat(found).isPresent();
    assertThat(found.get().toString()).doesNotContain(fly.token().registryPassword());

    // the registry accepts what was written, and refuses a client without it
    fly.emulator().createApp(Sandbox.ORG, "my-app");
    fly.emulator().pushImage("my-app", "v1");
    try (RegistryClient fromFile =
            RegistryClient.builder()
                .credentials(Credentials.dockerConfig(DockerConfig.at(dir)))
                .build();
        RegistryClient anonymous = RegistryClient.builder().build()) {
      assertThat(fromFile.head(fly.image("my-app", "v1"))).isPresent();
      assertThatThrownBy(() -> anonymous.head(fly.image("my-app", "v1")))
          .isInstanceOf(RegistryAuthenticationException.class);
    }
  }

  @Test
  void pushThenVerify(@TempDir Path dir) {
    fly.emulator().createApp(Sandbox.ORG, "my-app");
    SampleImage image = SampleImage.write(dir, "v1", "hello");
    ImageReference ref = fly.image("my-app", "v1");
    assertThat(VerifyImageExists.run(fly.registry(), ref)).isEmpty();
    PushResult pushed = PushImage.run(fly.registry(), dir, "v1", ref, PushProgress.none());
    assertThat(pushed.digest()).isEqualTo(image.manifestDigest());
    Optional<Descriptor> found = VerifyImageExists.run(fly.registry(), ref);
    assertThat(found)
        .hasValueSatisfying(d -> assertThat(d.digest()).isEqualTo(image.manifestDigest()));
  }

  @Test
  void sampleImageIsReproducible(@TempDir Path a, @TempDir Path b) {
    SampleImage one = SampleImage.write(a, "v1", "same");
    SampleImage two = SampleImage.write(b, "v1", "same");
    SampleImage other = SampleImage.write(b, "v1", "different");
    assertThat(one.manifestDigest()).isEqualTo(two.manifestDigest());
    assertThat(other.manifestDigest()).isNotEqualTo(one.manifestDigest());
  }

  @Test
  void deployAndReuseAcrossApps() {
    fly.emulator().createApp(Sandbox.ORG, "app-1");
    fly.emulator().createApp(Sandbox.ORG, "app-2");
    fly.emulator().pushImage("app-1", "v1");
    fly.emulator().createMachine("app-1", "old");
    fly.emulator().createMachine("app-2", "old");
    ImageReference image = fly.image("app-1", "v1");

    DeployResult first = DeployImage.run(fly.machines(), "app-1", image);
    DeployResult reused = ReuseImage.run(fly.machines(), "app-2", image);
    assertThat(first.succeeded()).isTrue();
    assertThat(reused.succeeded()).isTrue();
    assertThat(fly.emulator().machines("app-2").get(0).image()).isEqualTo(image.toString());
    assertThat(ListImageReferences.run(fly.graphql(), "app-2")).containsExactly(image);
  }

  @Test
  void deployOfAMissingImageChangesNothing() {
    fly.emulator().createApp(Sandbox.ORG, "app-1");
    fly.emulator().createMachine("app-1", "old");
    assertThatThrownBy(() -> DeployImage.run(fly.machines(), "app-1", fly.image("app-1", "v9")))
        .isInstanceOf(ImageNotFoundException.class);
    assertThat(fly.emulator().machines("app-1").get(0).image()).isEqualTo("old");
  }

  @Test
  void aFailedDeployThrowsWithTheMachinesItDidNotUpdate() {
    fly.emulator().createApp(Sandbox.ORG, "app-1");
    fly.emulator().pushImage("app-1", "v1");
    fly.emulator().createMachine("app-1", "old");
    // the Machines API refuses the configuration update
    fly.emulator()
        .faults()
        .next("POST", "^/v1/apps/app-1/machines/[^/]+$")
        .respondWithBody(422, "application/json", "{\"error\":\"refused\"}");

    assertThatThrownBy(() -> DeployImage.run(fly.machines(), "app-1", fly.image("app-1", "v1")))
        .isInstanceOfSatisfying(
            DeployFailedException.class,
            e -> {
              assertThat(e.result().succeeded()).isFalse();
              assertThat(e.result().notUpdatedMachines()).hasSize(1);
              assertThat(e.result().releaseStatus()).contains("failed");
            });
    assertThat(fly.emulator().machines("app-1").get(0).image()).isEqualTo("old");
  }

  @Test
  void copyMovesNoLayerBytes() {
    fly.emulator().createApp(Sandbox.ORG, "app-1");
    fly.emulator().createApp(Sandbox.ORG, "app-2");
    fly.emulator().pushImage("app-1", "v1");
    CopyResult copied =
        CopyImage.run(fly.registry(), fly.image("app-1", "v1"), fly.image("app-2", "v1"));
    assertThat(copied.bytesSent()).isZero();
    assertThat(fly.emulator().hasManifest("app-2", "v1")).isTrue();
  }

  @Test
  void listImageReferencesNewestFirst() {
    fly.emulator().createApp(Sandbox.ORG, "app-1");
    fly.emulator().addRelease("app-1", "registry.fly.io/app-1:v1", "complete");
    fly.emulator().addRelease("app-1", "registry.fly.io/app-1:v2", "complete");
    fly.emulator().addRelease("app-1", "registry.fly.io/app-1:v1", "complete");
    assertThat(ListImageReferences.run(fly.graphql(), "app-1"))
        .containsExactly(
            ImageReference.parse("registry.fly.io/app-1:v1"),
            ImageReference.parse("registry.fly.io/app-1:v2"));
    assertThat(ListImageReferences.table(fly.graphql(), "app-1", 2).split("\n")).hasSize(3);
  }

  @Test
  void everyMainRunsAsDocumented() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CreateApp.main(new String[0]);
      AuthenticateDocker.main(new String[0]);
      PushImage.main(new String[0]);
      VerifyImageExists.main(new String[0]);
      DeployImage.main(new String[0]);
      DeployPublicImage.main(new String[0]);
      ReuseImage.main(new String[0]);
      CopyImage.main(new String[0]);
      ListImageReferences.main(new String[0]);
    } finally {
      System.setOut(saved);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("created app hello-app")
        .contains("docker config now has them: true")
        .contains("pushed ")
        .contains(":v1 present sha256:")
        .contains(":v1 runs on linux/amd64")
        .contains(":v2 missing")
        .contains("release v1 complete")
        .contains("hello-app runs flyio/hellofly:latest")
        .contains("app-2 runs ")
        .contains("0 bytes sent")
        .contains("registry.fly.io/hello-app:v2");
    assertThat(List.of(out.split("\n"))).allSatisfy(line -> assertThat(line).isNotBlank());
  }
}
