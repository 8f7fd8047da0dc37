package dev.flyregistry.examples;

import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.ImageChecker;
import dev.flyregistry.machines.MachinesClient;

/**
 * Step 4, with a public image: {@code fly deploy --app my-app --image flyio/hellofly:latest}. The
 * reference is read the way Docker reads it ({@code flyio/hellofly} is on Docker Hub), and Fly
 * pulls it from there; nothing is pushed to {@code registry.fly.io}.
 */
public final class DeployPublicImage {
  /** Fly's sample image on Docker Hub. */
  public static final String HELLOFLY = "flyio/hellofly:latest";

  private DeployPublicImage() {}

  /**
   * Deploys a public image.
   *
   * @param machines the Machines API client
   * @param app the app
   * @param publicImage the image as you would give it to {@code docker pull}
   * @return what happened to each machine, and the release
   */
  public static DeployResult run(MachinesClient machines, String app, String publicImage) {
    return machines.deploy(app, publicImage);
  }

  /**
   * Runs the step against an emulator. The emulator does not reach Docker Hub, so this client skips
   * the image check that {@code MachinesClient} makes by default (a {@code HEAD} on Docker Hub).
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Sandbox fly = Sandbox.start()) {
      fly.emulator().createApp(Sandbox.ORG, "hello-app");
      fly.emulator().createMachine("hello-app", "registry.fly.io/hello-app:v0");
      try (MachinesClient machines =
          MachinesClient.builder()
              .token(fly.token())
              .endpoint(fly.emulator().machinesUrl())
              .releasesEndpoint(fly.emulator().releasesUrl())
              .imageChecker(ImageChecker.NONE) // the emulator cannot reach Docker Hub
              .build()) {
        DeployResult result = run(machines, "hello-app", HELLOFLY);
        System.out.println(
            "hello-app runs "
                + result.image()
                + " on "
                + result.updatedMachines().size()
                + " machine(s), release "
                + result.releaseStatus().orElse("?"));
      }
    }
  }
}
