package dev.flyregistry.examples;

import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryClient;
import java.util.Optional;

/**
 * Step 6: check that an image exists without deploying it, like {@code docker manifest inspect}.
 * One {@code HEAD} request (which registries do not count as a pull) answers with the digest, media
 * type and size, or 404.
 */
public final class VerifyImageExists {
  private VerifyImageExists() {}

  /**
   * Looks the image up.
   *
   * @param registry the registry client
   * @param image the image, such as {@code registry.fly.io/my-app:v1}
   * @return its descriptor, or empty when the registry does not have it
   */
  public static Optional<Descriptor> run(RegistryClient registry, ImageReference image) {
    return registry.head(image);
  }

  /**
   * Runs the step against an emulator: one image that exists, one that does not.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Sandbox fly = Sandbox.start()) {
      fly.emulator().createApp(Sandbox.ORG, "hello-app");
      fly.emulator().pushImage("hello-app", "v1");
      for (String tag : new String[] {"v1", "v2"}) {
        ImageReference image = fly.image("hello-app", tag);
        Optional<Descriptor> found = run(fly.registry(), image);
        System.out.println(
            image + (found.isPresent() ? " present " + found.get().digest() : " missing"));
        if (found.isPresent()) {
          // what it would run, from its configuration blob (`crane config`)
          System.out.println(image + " runs on " + fly.registry().config(image).platform());
        }
      }
    }
  }
}
