package dev.flyregistry.examples;

import dev.flyregistry.registry.CopyResult;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryClient;

/**
 * Step 5, second form: give another app of the organization its own copy of an image ({@code
 * registry.fly.io/app-1:v1} to {@code registry.fly.io/app-2:v1}). Within one registry the blobs are
 * mounted from the source repository, so no layer bytes move; the manifest, and so the digest, is
 * the same.
 */
public final class CopyImage {
  private CopyImage() {}

  /**
   * Copies the image.
   *
   * @param registry the registry client (pull on the source, push on the target)
   * @param source the image to copy
   * @param target where to copy it
   * @return what was copied; {@link CopyResult#bytesSent()} is 0 when every blob was mounted
   */
  public static CopyResult run(
      RegistryClient registry, ImageReference source, ImageReference target) {
    return registry.copy(source, target);
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
      CopyResult copied = run(fly.registry(), fly.image("app-1", "v1"), fly.image("app-2", "v1"));
      System.out.println(
          "copied to "
              + copied.target()
              + ": "
              + copied.blobsMounted()
              + " blobs mounted, "
              + copied.bytesSent()
              + " bytes sent");
    }
  }
}
