package dev.flyregistry.examples.cli;

import dev.flyregistry.machines.DeployFailedException;
import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.MachineOutcome;
import dev.flyregistry.registry.ImageReference;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flyreg deploy --app APP --image REF}. */
@Command(
    name = "deploy",
    description = {
      "Deploy an image to every machine of an app, like `fly deploy --app APP --image REF`,"
          + " and record the release.",
      "The image may be in another app's repository (build once, deploy many) or public"
          + " (flyio/hellofly:latest). It is checked to exist before anything changes."
    })
final class DeployCommand extends BaseCommand {
  @Option(
      names = {"--app", "-a"},
      required = true,
      paramLabel = "APP",
      converter = Converters.AppNameConverter.class,
      description = "The app to deploy to.")
  String app;

  @Option(
      names = {"--image", "-i"},
      required = true,
      paramLabel = "REF",
      description = "The image, read as Docker reads it (flyio/hellofly is on Docker Hub).")
  String image;

  private ImageReference ref;

  @Override
  void validate() {
    ref = Refs.parseDocker(this, "--image", image.trim());
  }

  @Override
  int run(Session session) {
    ImageReference resolved = session.resolve(ref);
    String target = resolved.equals(ref) ? image.trim() : resolved.toString();
    var registry = session.registry(java.util.List.of(resolved));
    var machines = session.machines(registry);
    DeployResult result;
    try {
      result = machines.deploy(app, target);
    } catch (DeployFailedException e) {
      print(session, e.result());
      throw e;
    }
    print(session, result);
    return result.succeeded() ? ExitCodes.OK : ExitCodes.OTHER;
  }

  static void print(Session session, DeployResult result) {
    PrintWriter out = session.out();
    if (session.json()) {
      out.println(Json.pretty(toJson(result)));
      return;
    }
    if (result.succeeded()) {
      out.println("Deployed " + result.image() + " to app " + result.app());
    } else {
      out.println(
          "Deploy of "
              + result.image()
              + " to app "
              + result.app()
              + " failed: "
              + result.notUpdatedMachines().size()
              + " of "
              + result.machines().size()
              + " machine(s) not updated");
    }
    for (MachineOutcome m : result.machines()) {
      out.println(
          "  machine "
              + m.machineId()
              + " "
              + m.status().name().toLowerCase(java.util.Locale.ROOT)
              + m.previousImage().map(p -> " (was " + p + ")").orElse("")
              + m.error().map(e -> ": " + e).orElse(""));
    }
    out.println(
        "Release "
            + result.releaseVersion().map(v -> "v" + v).orElse(result.releaseId().orElse("?"))
            + " "
            + result.releaseStatus().orElse("unknown")
            + ": "
            + result.updatedMachines().size()
            + " of "
            + result.machines().size()
            + " machine(s) run the image");
  }

  static com.fasterxml.jackson.databind.node.ObjectNode toJson(DeployResult result) {
    var node = Json.object().put("app", result.app()).put("image", result.image());
    node.put("succeeded", result.succeeded());
    var release = node.putObject("release");
    result.releaseId().ifPresent(v -> release.put("id", v));
    result.releaseVersion().ifPresent(v -> release.put("version", v));
    result.releaseStatus().ifPresent(v -> release.put("status", v));
    var machines = node.putArray("machines");
    for (MachineOutcome m : result.machines()) {
      var mn =
          machines
              .addObject()
              .put("id", m.machineId())
              .put("status", m.status().name().toLowerCase(java.util.Locale.ROOT));
      m.previousImage().ifPresent(p -> mn.put("previousImage", p));
      m.error().ifPresent(e -> mn.put("error", e));
    }
    return node;
  }
}
