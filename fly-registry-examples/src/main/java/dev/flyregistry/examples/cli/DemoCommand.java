package dev.flyregistry.examples.cli;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.DockerConfig;
import dev.flyregistry.examples.AuthenticateDocker;
import dev.flyregistry.examples.CopyImage;
import dev.flyregistry.examples.CreateApp;
import dev.flyregistry.examples.DeployImage;
import dev.flyregistry.examples.DeployPublicImage;
import dev.flyregistry.examples.ListImageReferences;
import dev.flyregistry.examples.PushImage;
import dev.flyregistry.examples.ReuseImage;
import dev.flyregistry.examples.SampleImage;
import dev.flyregistry.examples.VerifyImageExists;
import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.machines.App;
import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.registry.CopyResult;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.PushProgress;
import dev.flyregistry.registry.PushResult;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.testkit.FlyEmulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/** {@code flyreg demo}: the whole workflow, narrated, against an embedded emulator. */
@Command(
    name = "demo",
    description = {
      "Run the whole image workflow, narrated, against an embedded Fly emulator: create apps,"
          + " authenticate Docker (into a temporary DOCKER_CONFIG), push a generated image, check"
          + " it exists, copy it to a second app, deploy it (and a public image), and list the"
          + " releases with their images. Needs no Fly account and no network."
    })
final class DemoCommand extends BaseCommand {
  static final String DONE = "Demo complete: every step of the workflow ran against the emulator.";
  private static final int STEPS = 8;

  private PrintWriter out;

  @Override
  boolean alwaysEmulator() {
    return true;
  }

  private void step(int n, String title, String flyEquivalent) {
    out.println();
    out.println("[" + n + "/" + STEPS + "] " + title + "   (like: " + flyEquivalent + ")");
  }

  private void say(String text) {
    out.println("      " + text);
  }

  @Override
  int run(Session session) {
    out = session.out();
    FlyEmulator fly = session.emulator().orElseThrow();
    String org = Session.EMULATOR_ORG;
    String host = fly.registryHost();
    Path work;
    try {
      work = Files.createTempDirectory("flyreg-demo");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
    try {
      out.println("flyreg demo: Fly's image workflow, step by step, on an embedded emulator.");
      out.println("  registry      " + fly.registryUrl() + "  (plays registry.fly.io)");
      out.println("  Machines API  " + fly.machinesUrl() + "  (plays api.machines.dev)");
      out.println("  GraphQL       " + fly.graphqlUrl() + "  (plays api.fly.io)");
      out.println("  organization  " + org + ", with a token the emulator issued");

      MachinesClient apps = session.machines(null);
      step(1, "Create two apps, one named and one under a generated name", "fly apps create");
      App app1 = CreateApp.named(apps, "demo-app", org);
      say("created " + app1.name() + "; its repository is " + host + "/" + app1.name());
      App app2 = CreateApp.generated(apps, org);
      say("created " + app2.name() + " (generated name)");

      step(2, "Authenticate Docker to the registry", "fly auth docker");
      Path dockerDir = work.resolve("docker-config");
      DockerConfig docker = DockerConfig.at(dockerDir);
      Path file = AuthenticateDocker.run(docker, host, session.token());
      say("wrote username x and the token for " + host + " into " + file);
      say("(a temporary DOCKER_CONFIG: your own ~/.docker is not touched)");
      RegistryClient registry =
          track(
              session,
              RegistryClient.builder()
                  .credentials(Credentials.dockerConfig(docker))
                  .http(session.http())
                  .build());
      say("the registry client below reads its credentials from that file");

      step(3, "Push an image", "docker push " + "registry.fly.io/demo-app:v1");
      Path layout = work.resolve("image");
      SampleImage built = SampleImage.write(layout, "v1", "hello from flyreg demo\n");
      say(
          "built an OCI image layout in "
              + layout
              + " (one layer, "
              + built.manifestDigest()
              + ")");
      ImageReference v1 = ImageReference.of(host, app1.name(), "v1");
      PushResult pushed = PushImage.run(registry, layout, "v1", v1, PushProgress.none());
      say(
          "pushed "
              + v1
              + ": "
              + pushed.blobsUploaded()
              + " blob(s), "
              + pushed.bytesSent()
              + " bytes; digest "
              + pushed.digest()
              + (pushed.digest().equals(built.manifestDigest()) ? " (the one built)" : ""));

      step(4, "Verify that the image exists, without deploying", "docker manifest inspect");
      Optional<Descriptor> found = VerifyImageExists.run(registry, v1);
      say(v1 + " " + found.map(d -> "present " + d.digest()).orElse("missing"));
      ImageReference v2 = v1.withTag("v2");
      say(
          v2
              + " "
              + VerifyImageExists.run(registry, v2)
                  .map(d -> "present " + d.digest())
                  .orElse("missing"));
      if (found.isEmpty()) {
        throw new ExitCodes.CliException(ExitCodes.OTHER, "the pushed image is missing");
      }

      step(5, "Reuse the image in the second app", "flyreg copy; fly deploy --app app-2");
      ImageReference copy = ImageReference.of(host, app2.name(), "v1");
      CopyResult copied = CopyImage.run(registry, v1, copy);
      say(
          "copied to "
              + copy
              + ": "
              + copied.blobsMounted()
              + " blob(s) mounted, "
              + copied.bytesSent()
              + " layer bytes moved, same digest "
              + copied.digest());

      // Apps get their first machine from `fly launch` / `fly machine run`; the emulator seeds one.
      fly.createMachine(app1.name(), DeployPublicImage.HELLOFLY);
      fly.createMachine(app2.name(), DeployPublicImage.HELLOFLY);
      MachinesClient machines =
          track(
              session,
              MachinesClient.builder()
                  .token(session.token())
                  .http(session.http())
                  .endpoint(fly.machinesUrl())
                  .releasesEndpoint(fly.releasesUrl())
                  // images on the emulator's registry are checked; public ones are not fetched
                  .imageChecker(ref -> !ref.registry().equals(host) || registry.exists(ref))
                  .build());

      step(6, "Deploy a public image", "fly deploy --image " + DeployPublicImage.HELLOFLY);
      report(DeployPublicImage.run(machines, app2.name(), DeployPublicImage.HELLOFLY));

      step(7, "Deploy the pushed image, then reuse it in the other app", "fly deploy --image");
      report(DeployImage.run(machines, app1.name(), v1));
      report(ReuseImage.run(machines, app2.name(), v1));

      step(8, "List image references from the releases", "fly releases --image");
      GraphqlClient graphql = session.graphql();
      for (String app : List.of(app1.name(), app2.name())) {
        say("releases of " + app + ":");
        for (String line : ListImageReferences.table(graphql, app, 25).split("\n")) {
          say("  " + line);
        }
      }
      say("distinct images across both apps:");
      graphql.releases().imageRefs(List.of(app1.name(), app2.name())).values().stream()
          .flatMap(List::stream)
          .distinct()
          .forEach(ref -> say("  " + ref));

      out.println();
      out.println(DONE);
      return ExitCodes.OK;
    } finally {
      deleteTree(work);
    }
  }

  private void report(DeployResult result) {
    say(
        result.app()
            + " runs "
            + result.image()
            + " on "
            + result.updatedMachines().size()
            + " of "
            + result.machines().size()
            + " machine(s); release "
            + result.releaseVersion().map(v -> "v" + v).orElse("?")
            + " "
            + result.releaseStatus().orElse("unknown"));
  }

  private static <T extends AutoCloseable> T track(Session session, T closeable) {
    session.track(closeable);
    return closeable;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
