package dev.flyregistry.examples;

import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.PushProgress;
import dev.flyregistry.registry.PushResult;
import dev.flyregistry.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Step 3: push an image to {@code registry.fly.io/<app>:<tag>}, like {@code docker push}, from an
 * OCI image layout (what {@code docker buildx build --output type=oci}, Jib, ko, umoci or skopeo
 * write) or a {@code docker save} archive. Blobs the app already has are skipped; the manifest is
 * stored with its exact bytes, so the digest is the one you built.
 */
public final class PushImage {
  private PushImage() {}

  /**
   * Pushes the image of an OCI layout.
   *
   * @param registry the registry client (with credentials for the target's registry)
   * @param layout the layout directory
   * @param refName the image's {@code org.opencontainers.image.ref.name} in the layout
   * @param target where to push, such as {@code registry.fly.io/my-app:v1}
   * @param progress per-blob progress ({@link PushProgress#none()} for none)
   * @return the pushed digest, and what was uploaded or skipped
   */
  public static PushResult run(
      RegistryClient registry,
      Path layout,
      String refName,
      ImageReference target,
      PushProgress progress) {
    return registry.push(ImageSource.ociLayout(layout, refName), target, progress);
  }

  /**
   * Runs the step against an emulator, with a generated layout.
   *
   * @param args ignored
   * @throws IOException when the temporary directory cannot be created
   */
  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("oci-layout");
    SampleImage image = SampleImage.write(dir, "v1", "hello from fly-registry");
    try (Sandbox fly = Sandbox.start()) {
      fly.emulator().createApp(Sandbox.ORG, "hello-app");
      PushResult pushed =
          run(fly.registry(), dir, "v1", fly.image("hello-app", "v1"), PushProgress.none());
      System.out.println(
          "pushed "
              + pushed.target()
              + " ("
              + pushed.blobsUploaded()
              + " blobs, "
              + pushed.bytesSent()
              + " bytes); built digest "
              + image.manifestDigest());
    }
  }
}
