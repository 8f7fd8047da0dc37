package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.flyregistry.graphql.AppImage;
import dev.flyregistry.graphql.AppNotFoundException;
import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.graphql.Release;
import dev.flyregistry.machines.App;
import dev.flyregistry.machines.AppNameTakenException;
import dev.flyregistry.machines.DeployFailedException;
import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.ImageNotFoundException;
import dev.flyregistry.machines.InvalidAppNameException;
import dev.flyregistry.machines.MachineOutcome;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.machines.NoMachinesException;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.MediaTypes;
import dev.flyregistry.registry.RegistryAuthenticationException;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.registry.RegistryDeniedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SDK's own clients run the image workflow against the emulator. */
@ExtendWith(FlyEmulatorExtension.class)
class ClientWorkflowTest {
  static FlyEmulator fly;
  static String token;
  static String rivalToken;

  @org.junit.jupiter.api.AfterAll
  static void noEmulatorFailures() {
    assertThat(fly.metrics().internalErrors()).isEmpty();
  }

  @BeforeAll
  static void setUp() {
    fly.createOrganization("personal");
    fly.createOrganization("rival");
    token = fly.createToken("personal", "me@example.test", "Me");
    rivalToken = fly.createToken("rival");
    fly.createApp("personal", "app-1");
    fly.createApp("personal", "app-2");
    fly.createApp("rival", "rival-app");
  }

  /** The failures MachinesClient.deploy documents besides the Machines API's own. */
  @Test
  void deployFailsBeforeAnyChangeOnABadAppNameOrARefusedImageCheck() {
    fly.createApp("rival", "rival-deploy");
    String machine = fly.createMachine("rival-deploy", "flyio/hellofly:latest");
    EmulatedImage image = fly.pushImage("app-1", "not-for-rivals");
    try (MachinesClient machines = fly.machinesClient(rivalToken)) {
      assertThatThrownBy(() -> machines.deploy("Rival_Deploy", image.reference()))
          .isInstanceOf(InvalidAppNameException.class);
      // the image is in another organization: the registry refuses the check with 403
      assertThatThrownBy(() -> machines.deploy("rival-deploy", image.reference()))
          .isInstanceOf(RegistryDeniedException.class);
    }
    assertThat(fly.machines("rival-deploy").get(0).image()).isEqualTo("flyio/hellofly:latest");
    assertThat(fly.machines("rival-deploy").get(0).id()).isEqualTo(machine);
    assertThat(fly.releases("rival-deploy")).isEmpty();
  }

  private static ImageReference ref(String text) {
    return ImageReference.parse(fly.registryHost() + "/" + text);
  }

  @Test
  void registryClientHeadsReadsAndChecksManyImages() {
    EmulatedImage v1 = fly.pushImage("app-1", "head-v1");
    EmulatedImage index = fly.pushIndex("app-1", "head-multi", false);
    try (RegistryClient registry = fly.registryClient(token)) {
      Optional<Descriptor> head = registry.head(ref("app-1:head-v1"));
      assertThat(head)
          .hasValueSatisfying(
              d -> {
                assertThat(d.digest()).isEqualTo(v1.digest());
                assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
              });
      assertThat(registry.head(ref("app-1:missing"))).isEmpty();
      assertThat(registry.exists(ref("app-1:head-multi"))).isTrue();

      Manifest m = registry.manifest(ref("app-1@" + index.digest()));
      assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(m.digest()).isEqualTo(index.digest());

      List<ImageReference> refs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        if (i % 2 == 0) {
          fly.tag("app-1", "many-" + i, v1.digest());
        }
        refs.add(ref("app-1:" + (i % 2 == 0 ? "many-" : "absent-") + i));
      }
      long getsBefore = fly.metrics().requests("GET", "/v2/{name}/manifests/{reference}");
      Map<ImageReference, Optional<Descriptor>> all = registry.existsAll(refs);
      assertThat(all).hasSize(20);
      assertThat(all.values().stream().filter(Optional::isPresent).count()).isEqualTo(10);
      assertThat(fly.metrics().requests("GET", "/v2/{name}/manifests/{reference}"))
          .as("existence checks use HEAD")
          .isEqualTo(getsBefore);
    }
  }

  @Test
  void registryClientFollowsTagPages() {
    try (FlyEmulator paged = FlyEmulator.builder().defaultTagPageSize(2).start()) {
      paged.createOrganization("o");
      String t = paged.createToken("o");
      paged.createApp("o", "tags-app");
      EmulatedImage img = paged.pushImage("tags-app", "a");
      for (String tag : List.of("b", "c", "d", "e")) {
        paged.tag("tags-app", tag, img.digest());
      }
      try (RegistryClient registry = paged.registryClient(t)) {
        assertThat(registry.tags(ImageReference.parse(paged.registryHost() + "/tags-app")))
            .containsExactly("a", "b", "c", "d", "e");
      }
      assertThat(paged.metrics().requests("GET", "/v2/{name}/tags/list")).isEqualTo(3);
    }
  }

  @Test
  void registryClientIsDeniedAnotherOrganizationsAppAndRejectsBadTokens() {
    fly.pushImage("rival-app", "secret");
    try (RegistryClient registry = fly.registryClient(token)) {
      assertThatThrownBy(() -> registry.head(ref("rival-app:secret")))
          .isInstanceOf(RegistryDeniedException.class);
    }
    try (RegistryClient registry = fly.registryClient("fm2_not-issued")) {
      assertThatThrownBy(() -> registry.head(ref("app-1:whatever")))
          .isInstanceOf(RegistryAuthenticationException.class);
    }
  }

  @Test
  void registryClientRetriesAnInjectedRateLimit() {
    EmulatedImage img = fly.pushImage("app-2", "retried");
    Faults.Fault fault =
        fly.faults()
            .next(2, "HEAD", "^/v2/app-2/manifests/retried$")
            .respond(429, "Retry-After", "1");
    try (RegistryClient registry = fly.registryClient(token)) {
      assertThat(registry.head(ref("app-2:retried")))
          .hasValueSatisfying(d -> assertThat(d.digest()).isEqualTo(img.digest()));
    }
    assertThat(fault.hits()).isEqualTo(2);
    assertThat(fault.remaining()).isZero();
  }

  @Test
  void machinesClientCreatesAppsAndReportsTakenNames() {
    try (MachinesClient machines = fly.machinesClient(token)) {
      App app = machines.apps().create("created-by-client", "personal");
      assertThat(app.name()).isEqualTo("created-by-client");
      assertThat(machines.apps().get("created-by-client")).isPresent();
      assertThatThrownBy(() -> machines.apps().create("app-1", "personal"))
          .isInstanceOf(AppNameTakenException.class);
      App generated = machines.apps().createWithGeneratedName("personal");
      assertThat(generated.name()).matches("[a-z]+-[a-z]+-\\d{3}");
      assertThat(fly.appExists(generated.name())).isTrue();
      assertThat(machines.apps().list("personal"))
          .extracting(App::name)
          .contains("created-by-client", generated.name());
      assertThat(machines.apps().isAvailable("rival-app")).isFalse();
      assertThat(machines.apps().isAvailable("nobody-has-this")).isTrue();
      assertThat(machines.apps().delete("created-by-client")).isTrue();
      assertThat(fly.appExists("created-by-client")).isFalse();
    }
  }

  @Test
  void deployUpdatesEveryMachineAndTheReleaseShowsTheImage() {
    fly.createApp("personal", "deploy-app");
    EmulatedImage v1 = fly.pushImage("deploy-app", "v1");
    EmulatedImage v2 = fly.pushImage("deploy-app", "v2");
    String m1 = fly.createMachine("deploy-app", v1.reference());
    String m2 = fly.createMachine("deploy-app", v1.reference());
    try (MachinesClient machines = fly.machinesClient(token);
        GraphqlClient graphql = fly.graphqlClient(token)) {
      DeployResult result = machines.deploy("deploy-app", v2.reference());
      assertThat(result.succeeded()).isTrue();
      assertThat(result.updatedMachines()).containsExactlyInAnyOrder(m1, m2);
      assertThat(fly.machines("deploy-app"))
          .allSatisfy(
              m -> {
                assertThat(m.image()).isEqualTo(v2.reference());
                assertThat(m.leased()).isFalse();
              });

      List<Release> releases = graphql.releases().list("deploy-app", 25);
      assertThat(releases).hasSize(1);
      assertThat(releases.get(0).imageRef()).contains(v2.reference());
      assertThat(releases.get(0).isComplete()).isTrue();
      assertThat(releases.get(0).userEmail()).contains("me@example.test");
      assertThat(graphql.currentImage("deploy-app"))
          .hasValueSatisfying(i -> assertThat(i.toString()).isEqualTo(v2.reference()));
    }
  }

  @Test
  void aMachineThatNeverStartsFailsTheDeployMidway() {
    try (FlyEmulator slow =
        FlyEmulator.builder().maxWait(java.time.Duration.ofMillis(200)).start()) {
      slow.createOrganization("o");
      String t = slow.createToken("o");
      slow.createApp("o", "three");
      EmulatedImage v1 = slow.pushImage("three", "v1");
      EmulatedImage v2 = slow.pushImage("three", "v2");
      String m1 = slow.createMachine("three", v1.reference());
      String m2 = slow.createMachine("three", v1.reference());
      String m3 = slow.createMachine("three", v1.reference());
      slow.failNextLaunch("three", m2, "starting");
      try (MachinesClient machines = slow.machinesClient(t)) {
        assertThatThrownBy(() -> machines.deploy("three", v2.reference()))
            .isInstanceOfSatisfying(
                DeployFailedException.class,
                e -> {
                  DeployResult r = e.result();
                  assertThat(r.updatedMachines()).containsExactly(m1);
                  assertThat(r.notUpdatedMachines()).contains(m3);
                  assertThat(r.machines())
                      .extracting(MachineOutcome::machineId, MachineOutcome::status)
                      .containsExactly(
                          tuple(m1, MachineOutcome.Status.UPDATED),
                          tuple(m2, MachineOutcome.Status.NOT_STARTED),
                          tuple(m3, MachineOutcome.Status.SKIPPED));
                });
      }
      assertThat(slow.releases("three"))
          .singleElement()
          .satisfies(r -> assertThat(r.status()).isEqualTo("failed"));
      assertThat(slow.machines("three")).allSatisfy(m -> assertThat(m.leased()).isFalse());
    }
  }

  @Test
  void buildOnceDeployManyReusesAnImageAcrossApps() {
    fly.createApp("personal", "source-app");
    fly.createApp("personal", "target-app");
    EmulatedImage image = fly.pushImage("source-app", "v1");
    fly.createMachine("target-app", "flyio/hellofly:latest");
    try (MachinesClient machines = fly.machinesClient(token);
        GraphqlClient graphql = fly.graphqlClient(token)) {
      DeployResult result = machines.deploy("target-app", image.reference());
      assertThat(result.succeeded()).isTrue();
      assertThat(graphql.releases().imageRefTexts("target-app")).containsExactly(image.reference());
    }
  }

  @Test
  void deployRefusesAMissingImageAndAnAppWithoutMachines() {
    fly.createApp("personal", "bare-app");
    EmulatedImage image = fly.pushImage("bare-app", "v1");
    try (MachinesClient machines = fly.machinesClient(token)) {
      assertThatThrownBy(
              () -> machines.deploy("bare-app", fly.registryHost() + "/bare-app:missing"))
          .isInstanceOf(ImageNotFoundException.class);
      assertThatThrownBy(() -> machines.deploy("bare-app", image.reference()))
          .isInstanceOf(NoMachinesException.class);
    }
    assertThat(fly.releases("bare-app")).isEmpty();
  }

  @Test
  void graphqlClientPagesReleasesAndResolvesImages() {
    fly.createApp("personal", "history");
    EmulatedImage img = fly.pushImage("history", "v1");
    for (int i = 1; i <= 12; i++) {
      fly.addRelease("history", "registry.fly.io/history:v" + (i % 3), "complete");
    }
    try (GraphqlClient graphql = fly.graphqlClient(token)) {
      List<Integer> versions;
      try (Stream<Release> all = graphql.releases().stream("history", 5)) {
        versions = all.map(Release::version).collect(Collectors.toList());
      }
      assertThat(versions).hasSize(12);
      assertThat(versions.get(0)).isEqualTo(12);
      assertThat(versions).isSortedAccordingTo((a, b) -> b - a);
      assertThat(fly.metrics().requests("POST", "/graphql")).isGreaterThanOrEqualTo(3);
      assertThat(graphql.releases().imageRefTexts("history"))
          .containsExactly(
              "registry.fly.io/history:v0",
              "registry.fly.io/history:v2",
              "registry.fly.io/history:v1");

      Optional<AppImage> resolved = graphql.resolveImage("history", "registry.fly.io/history:v1");
      assertThat(resolved)
          .hasValueSatisfying(
              r -> {
                assertThat(r.digest()).isEqualTo(img.digest().toString());
                assertThat(r.compressedSizeFull()).isEqualTo(img.layersSize());
              });
      assertThat(graphql.resolveImage("history", "registry.fly.io/history:nope")).isEmpty();
      assertThat(graphql.appNameAvailable("history")).isFalse();
      assertThat(graphql.appNameAvailable("unclaimed-name")).isTrue();
      assertThatThrownBy(() -> graphql.releases().list("rival-app", 5))
          .isInstanceOf(AppNotFoundException.class);
    }
  }
}
