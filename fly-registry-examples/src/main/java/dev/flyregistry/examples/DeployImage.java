package dev.flyregistry.examples;

import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.registry.ImageReference;

/**
 * Step 4: deploy an image to an app, like {@code fly deploy --app my-app --image
 * registry.fly.io/my-app:v1}: every machine of the app gets the image (one lease, update and start
 * at a time) and a release records it, so {@code fly releases --image} shows it.
 */
public final class DeployImage {
  private DeployImage() {}

  /**
   * Deploys the image.
   *
   * @param machines the Machines API client (build it with {@code imageChecker(registry::exists)}
   *     to refuse images that do not exist before anything changes)
   * @param app the app
   * @param image the image
   * @return what happened to each machine, and the release
   */
  public static DeployResult run(MachinesClient machines, String app, ImageReference image) {
    return machines.deploy(app, image);
  }

  /**
   * Runs the step against an emulator.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Sandbox fly = Sandbox.start()) {
      fly.emulator().createApp(Sandbox.ORG, "hello-app");
      fly.emulator().pushImage("hello-app", "v1");
      // an app gets its first machine from `fly launch` / `fly machine run`; the emulator seeds one
      fly.emulator().createMachine("hello-app", "registry.fly.io/hello-app:v0");
      DeployResult result = run(fly.machines(), "hello-app", fly.image("hello-app", "v1"));
      System.out.println(
          "release v"
              + result.releaseVersion().orElse(0)
              + " "
              + result.releaseStatus().orElse("?")
              + ": "
              + result.updatedMachines().size()
              + " machine(s) run "
              + result.image());
    }
  }
}
