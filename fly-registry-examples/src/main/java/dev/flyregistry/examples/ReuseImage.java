package dev.flyregistry.examples;

import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.registry.ImageReference;

/**
 * Step 5: build once, deploy many. An image pushed to one app's repository can be deployed to any
 * other app of the same organization: {@code fly deploy --app app-2 --image
 * registry.fly.io/app-1:v1}. (To give the second app a copy in its own repository, {@code flyreg
 * copy} mounts the blobs, so no layer bytes move.)
 */
public final class ReuseImage {
  private ReuseImage() {}

  /**
   * Deploys an image of one app to another app.
   *
   * @param machines the Machines API client
   * @param otherApp the app that reuses the image
   * @param builtImage the image, in the repository of the app it was pushed to
   * @return what happened to each machine of {@code otherApp}, and its release
   */
  public static DeployResult run(
      MachinesClient machines, String otherApp, ImageReference builtImage) {
    return machines.deploy(otherApp, builtImage);
  }

  /**
   * Runs the step against an emulator.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Sandbox fly = Sandbox.start()) {
      fly.emulator().createApp(Sandbox.ORG, "app-1");
      fly.emulator().createApp(Sandbox.ORG, "app-2");
      fly.emulator().pushImage("app-1", "v1");
      fly.emulator().createMachine("app-2", "registry.fly.io/app-2:v0");
      DeployResult result = run(fly.machines(), "app-2", fly.image("app-1", "v1"));
      System.out.println(
          "app-2 runs " + result.image() + ": " + result.releaseStatus().orElse("?"));
    }
  }
}
