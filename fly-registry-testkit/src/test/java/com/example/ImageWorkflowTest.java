package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.graphql.Release;
import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.testkit.EmulatedImage;
import dev.flyregistry.testkit.FlyEmulator;
import dev.flyregistry.testkit.FlyEmulatorExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FlyEmulatorExtension.class)
class ImageWorkflowTest {
  static FlyEmulator fly; // injected: one emulator for the whole class
  static String token;

  @BeforeAll
  static void createAccount() {
    fly.createOrganization("personal");
    token = fly.createToken("personal"); // "fm2_...,fm2_..." like a real Fly token
    fly.createApp("personal", "app-1");
    fly.createApp("personal", "app-2");
  }

  @Test
  void checkDeployAndListReleases() {
    EmulatedImage image = fly.pushImage("app-1", "v1"); // seeded without a client
    String machine = fly.createMachine("app-2", "flyio/hellofly:latest");
    ImageReference ref = ImageReference.parse(image.reference()); // 127.0.0.1:PORT/app-1:v1

    try (RegistryClient registry = fly.registryClient(token);
        MachinesClient machines = fly.machinesClient(token);
        GraphqlClient graphql = fly.graphqlClient(token)) {
      assertThat(registry.head(ref))
          .hasValueSatisfying(d -> assertThat(d.digest()).isEqualTo(image.digest()));

      DeployResult result = machines.deploy("app-2", ref); // build once, deploy many
      assertThat(result.updatedMachines()).containsExactly(machine);

      List<Release> releases = graphql.releases().list("app-2", 25);
      assertThat(releases.get(0).imageRef()).contains(image.reference());
    }
    assertThat(fly.machines("app-2").get(0).image()).isEqualTo(image.reference());
  }

  @Test
  void copyBetweenAppsMovesNoLayerBytes() {
    EmulatedImage image = fly.pushImage("app-1", "build-42");
    ImageReference from = ImageReference.parse(image.reference());
    ImageReference to = ImageReference.parse(fly.registryHost() + "/app-2:build-42");
    try (RegistryClient registry = fly.registryClient(token)) {
      assertThat(registry.copy(from, to).digest()).isEqualTo(image.digest());
    }
    assertThat(fly.metrics().blobBytesReceived("app-2")).isZero(); // every blob was mounted
  }

  @Test
  void retriesARateLimitedRegistry() {
    fly.pushImage("app-1", "v2");
    long heads = fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}");
    fly.faults().next(1, "HEAD", "/manifests/v2$").respond(429, "Retry-After", "1");
    try (RegistryClient registry = fly.registryClient(token)) {
      assertThat(registry.exists(ImageReference.parse(fly.registryHost() + "/app-1:v2"))).isTrue();
    }
    assertThat(fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}") - heads)
        .isEqualTo(2); // the 429, then the retry
  }
}
