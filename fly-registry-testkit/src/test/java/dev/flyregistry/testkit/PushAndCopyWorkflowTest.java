package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.registry.CopyResult;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.MediaTypes;
import dev.flyregistry.registry.PushResult;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.registry.RegistryDeniedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's push, copy, tag and delete against the emulator. */
@ExtendWith(FlyEmulatorExtension.class)
class PushAndCopyWorkflowTest {
  static FlyEmulator fly;
  static String token;

  @BeforeAll
  static void setUp() {
    fly.createOrganization("builds");
    fly.createOrganization("elsewhere");
    token = fly.createToken("builds");
    for (String app : new String[] {"src", "dst", "chunked", "flaky", "tagged"}) {
      fly.createApp("builds", app);
    }
    fly.createApp("elsewhere", "theirs");
  }

  @AfterAll
  static void noEmulatorFailures() {
    assertThat(fly.metrics().internalErrors()).isEmpty();
  }

  /** A one-layer OCI image layout; returns the layer size. */
  private static long writeLayout(Path dir, int layerSize, long seed) throws IOException {
    byte[] layer = new byte[layerSize];
    new Random(seed).nextBytes(layer);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + Digest.sha256(layer)
                + "\"]},\"config\":{}}")
            .getBytes(StandardCharsets.UTF_8);
    Path blobs = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
    Files.write(blobs.resolve(Digest.sha256(layer).hex()), layer);
    Files.write(blobs.resolve(Digest.sha256(config).hex()), config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG
                + "\",\"digest\":\""
                + Digest.sha256(config)
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER
                + "\",\"digest\":\""
                + Digest.sha256(layer)
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    Files.write(blobs.resolve(Digest.sha256(manifest).hex()), manifest);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(
        dir.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"digest\":\""
            + Digest.sha256(manifest)
            + "\",\"size\":"
            + manifest.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
    return layer.length + config.length;
  }

  private static ImageReference ref(String text) {
    return ImageReference.parse(fly.registryHost() + "/" + text);
  }

  @Test
  void pushThenCopyToAnotherAppMovesNoLayerBytes(@TempDir Path dir) throws IOException {
    long blobBytes = writeLayout(dir, 20_000, 1);
    try (RegistryClient registry = fly.registryClient(token)) {
      PushResult pushed = registry.push(ImageSource.ociLayout(dir, "v1"), ref("src:v1"));
      assertThat(fly.hasManifest("src", pushed.digest().toString())).isTrue();
      assertThat(fly.hasManifest("src", "v1")).isTrue();
      assertThat(pushed.blobsUploaded()).isEqualTo(2);
      assertThat(fly.metrics().blobBytesReceived("src")).isEqualTo(blobBytes);

      PushResult again = registry.push(ImageSource.ociLayout(dir, "v1"), ref("src:v1"));
      assertThat(again.blobsExisting()).isEqualTo(2);
      assertThat(fly.metrics().blobBytesReceived("src")).isEqualTo(blobBytes);

      long mountsBefore = fly.metrics().requests("POST", "/v2/{name}/blobs/uploads/");
      CopyResult copied = registry.copy(ref("src:v1"), ref("dst:v1"));
      assertThat(copied.bytesSent()).isZero();
      assertThat(copied.blobsMounted()).isEqualTo(2);
      assertThat(fly.metrics().blobBytesReceived("dst")).isZero();
      assertThat(fly.metrics().requests("POST", "/v2/{name}/blobs/uploads/") - mountsBefore)
          .isEqualTo(2);
      assertThat(registry.head(ref("dst:v1")))
          .hasValueSatisfying(d -> assertThat(d.digest()).isEqualTo(pushed.digest()));
    }
  }

  @Test
  void copyIntoAnotherOrganizationsAppIsDenied(@TempDir Path dir) throws IOException {
    writeLayout(dir, 1000, 2);
    try (RegistryClient registry = fly.registryClient(token)) {
      registry.push(ImageSource.ociLayout(dir, "v1"), ref("src:deny"));
      assertThatThrownBy(() -> registry.copy(ref("src:deny"), ref("theirs:v1")))
          .isInstanceOf(RegistryDeniedException.class);
    }
    assertThat(fly.hasManifest("theirs", "v1")).isFalse();
  }

  @Test
  void chunkedPushSendsSeveralPatches(@TempDir Path dir) throws IOException {
    writeLayout(dir, 300_000, 3);
    long patches = fly.metrics().requests("PATCH", "/v2/{name}/blobs/uploads/{uuid}");
    try (RegistryClient registry =
        RegistryClient.builder()
            .credentials(
                Credentials.basic(
                    fly.registryHost(), "x", FlyToken.parse(token).registryPassword()))
            .http(FlyEmulator.testHttpSettings())
            .uploadChunkSize(64 * 1024)
            .build()) {
      PushResult pushed = registry.push(ImageSource.ociLayout(dir, "v1"), ref("chunked:v1"));
      assertThat(fly.manifest("chunked", "v1"))
          .hasValueSatisfying(b -> assertThat(Digest.sha256(b)).isEqualTo(pushed.digest()));
    }
    assertThat(fly.metrics().requests("PATCH", "/v2/{name}/blobs/uploads/{uuid}") - patches)
        .isGreaterThanOrEqualTo(5);
  }

  @Test
  void aDroppedUploadIsRetriedAsAFreshSession(@TempDir Path dir) throws IOException {
    writeLayout(dir, 50_000, 4);
    Faults.Fault drop = fly.faults().next(1, "PUT", "^/v2/flaky/blobs/uploads/").dropConnection();
    try (RegistryClient registry = fly.registryClient(token)) {
      PushResult pushed = registry.push(ImageSource.ociLayout(dir, "v1"), ref("flaky:v1"));
      assertThat(fly.hasManifest("flaky", pushed.digest().toString())).isTrue();
    }
    assertThat(drop.hits()).isEqualTo(1);
    long sessions =
        fly.metrics().requestLog().stream()
            .filter(r -> r.startsWith("POST /v2/flaky/blobs/uploads"))
            .count();
    assertThat(sessions).as("two blobs, plus a fresh session for the dropped one").isEqualTo(3);
  }

  @Test
  void tagAndDeleteByDigest() {
    EmulatedImage image = fly.pushImage("tagged", "v1");
    try (RegistryClient registry = fly.registryClient(token)) {
      registry.tag(ref("tagged:v1"), "stable");
      assertThat(fly.hasManifest("tagged", "stable")).isTrue();
      assertThat(registry.delete(ref("tagged@" + image.digest()))).isTrue();
      assertThat(fly.hasManifest("tagged", "v1")).isFalse();
      assertThat(fly.hasManifest("tagged", "stable")).isFalse();
      assertThat(registry.delete(ref("tagged@" + image.digest()))).isFalse();
    }
  }
}
