package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.OciLayout;
import dev.flyregistry.testing.Skopeo;
import dev.flyregistry.testing.TestImages;
import dev.flyregistry.testing.TestImages.ImageInfo;
import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TestImages.IndexInfo;
import dev.flyregistry.testing.TestImages.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The write path against the real CNCF distribution registry, with skopeo as the reference: what
 * the SDK pushes, skopeo reads back with the same digest and the same blobs. Subclasses choose the
 * auth mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealRegistryPushContract {

  abstract LocalRegistry registry();

  abstract Skopeo.Auth skopeoAuth();

  abstract Credentials credentials();

  Skopeo skopeo;
  Path workDir;
  OciLayout layout;
  ImageInfo image;
  IndexInfo index;
  RegistryClient client;

  @BeforeAll
  void prepare() throws IOException {
    skopeo = Skopeo.create();
    workDir = Files.createTempDirectory("real-registry-push-");
    layout = TestImages.ociLayout(workDir.resolve("layout"));
    image =
        layout.addImage(
            "v1",
            ImageSpec.linux("amd64", "hello from the push suite")
                .withLayer(Layer.random("opt/app/data.bin", 300 * 1024, 7)));
    index = layout.addIndex("multi", List.of(ImageSpec.linux("amd64"), ImageSpec.linux("arm64")));
    client = newClient(0);
  }

  @AfterAll
  void close() {
    if (client != null) {
      client.close();
    }
    deleteTree(workDir);
  }

  RegistryClient newClient(long chunkSize) {
    return RegistryClient.builder()
        .credentials(credentials())
        .http(HttpSettings.defaults())
        .uploadChunkSize(chunkSize)
        .build();
  }

  ImageReference ref(String repositoryAndReference) {
    return ImageReference.parse(registry().ref(repositoryAndReference));
  }

  /** Pulls with skopeo into a fresh directory and checks every blob against {@code expected}. */
  private void pullBackAndCompare(String reference, List<Path> expectedBlobs) throws IOException {
    Path dir = workDir.resolve("pulled-" + System.nanoTime());
    skopeo.pullToDir(reference, dir, skopeoAuth());
    for (Path blob : expectedBlobs) {
      byte[] original = Files.readAllBytes(blob);
      String hex = Digest.sha256(original).hex();
      Path pulled = dir.resolve(hex);
      assertThat(pulled).as("skopeo pulled blob " + hex).exists();
      assertThat(Files.readAllBytes(pulled)).as("blob " + hex).isEqualTo(original);
    }
  }

  private List<Path> blobsOf(ImageInfo info) {
    List<Path> out = new ArrayList<>();
    out.add(layout.blobPath(info.config().digest()));
    info.layers().forEach(l -> out.add(layout.blobPath(l.digest())));
    return out;
  }

  @Test
  void anOciLayoutPushedByTheSdkReadsBackIdenticallyWithSkopeo() throws IOException {
    ImageReference target = ref("push-oci:v1");

    PushResult result = client.push(ImageSource.ociLayout(layout.dir(), "v1"), target);

    assertThat(result.digest()).hasToString(image.digest());
    byte[] raw = skopeo.inspectRaw(target.toString(), skopeoAuth());
    assertThat(raw).isEqualTo(image.bytes());
    assertThat(Digest.sha256(raw)).isEqualTo(result.digest());
    pullBackAndCompare(target.toString(), blobsOf(image));

    // a second push finds every blob in place and sends nothing
    PushResult again = client.push(ImageSource.ociLayout(layout.dir(), "v1"), target);
    assertThat(again.bytesSent()).isZero();
    assertThat(again.blobsExisting()).isEqualTo(1 + image.layers().size());
  }

  @Test
  void anIndexIsPushedWithItsChildren() throws IOException {
    ImageReference target = ref("push-oci:multi");

    PushResult result = client.push(ImageSource.ociLayout(layout.dir(), "multi"), target);

    assertThat(result.digest()).hasToString(index.digest());
    assertThat(result.manifestsPushed()).isEqualTo(3);
    assertThat(skopeo.inspectRaw(target.toString(), skopeoAuth())).isEqualTo(index.bytes());
    for (ImageInfo child : index.images()) {
      assertThat(skopeo.inspectRaw(registry().ref("push-oci@" + child.digest()), skopeoAuth()))
          .isEqualTo(child.bytes());
    }
  }

  @Test
  void aDockerArchivePushedByTheSdkReadsBackIdenticallyWithSkopeo() throws IOException {
    Path tar = workDir.resolve("saved.tar");
    TestImages.DockerArchive archive =
        TestImages.dockerArchive(
            tar,
            "app:v1",
            ImageSpec.linux("amd64", "from a docker archive")
                .withLayer(Layer.random("data.bin", 200 * 1024, 9)));
    ImageSource source = ImageSource.dockerArchive(tar);
    ImageReference target = ref("push-docker:v1");

    PushResult result = client.push(source, target);

    byte[] raw = skopeo.inspectRaw(target.toString(), skopeoAuth());
    assertThat(raw).isEqualTo(source.manifest().bytes());
    assertThat(Digest.sha256(raw)).isEqualTo(result.digest());
    assertThat(result.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    Path dir = workDir.resolve("pulled-docker");
    skopeo.pullToDir(target.toString(), dir, skopeoAuth());
    assertThat(Files.readAllBytes(dir.resolve(archive.config().hex())))
        .isEqualTo(archive.configBytes());
    for (String diffId : archive.diffIds()) {
      String hex = diffId.substring("sha256:".length());
      assertThat(Digest.sha256(Files.readAllBytes(dir.resolve(hex))).hex()).isEqualTo(hex);
    }
  }

  @Test
  void chunkedUploadsWorkAgainstTheRealRegistry() throws IOException {
    ImageReference target = ref("push-chunked:v1");
    try (RegistryClient chunked = newClient(64 * 1024)) {
      PushResult result = chunked.push(ImageSource.ociLayout(layout.dir(), "v1"), target);
      assertThat(result.digest()).hasToString(image.digest());
      assertThat(result.blobsUploaded()).isEqualTo(1 + image.layers().size());
    }
    pullBackAndCompare(target.toString(), blobsOf(image));
  }

  @Test
  void copyWithinTheRegistryMountsEveryBlobAndMovesNoLayerBytes() {
    ImageReference app1 = ref("app-1:copy");
    ImageReference app2 = ref("app-2:copy");
    client.push(ImageSource.ociLayout(layout.dir(), "v1"), app1);

    CopyResult copy = client.copy(app1, app2);

    assertThat(copy.bytesSent()).isZero();
    assertThat(copy.blobsMounted()).isEqualTo(1 + image.layers().size());
    assertThat(copy.blobsCopied()).isZero();
    byte[] raw1 = skopeo.inspectRaw(app1.toString(), skopeoAuth());
    byte[] raw2 = skopeo.inspectRaw(app2.toString(), skopeoAuth());
    assertThat(Digest.sha256(raw2)).isEqualTo(Digest.sha256(raw1)).isEqualTo(copy.digest());
  }

  @Test
  void anIndexIsCopiedWithItsChildrenByMounting() {
    ImageReference from = ref("app-1:multi");
    ImageReference to = ref("app-3:multi");
    client.push(ImageSource.ociLayout(layout.dir(), "multi"), from);

    CopyResult copy = client.copy(from, to);

    assertThat(copy.bytesSent()).isZero();
    assertThat(copy.manifestsPushed()).isEqualTo(3);
    assertThat(skopeo.inspectRaw(to.toString(), skopeoAuth())).isEqualTo(index.bytes());
    for (ImageInfo child : index.images()) {
      assertThat(client.exists(ref("app-3@" + child.digest()))).isTrue();
    }
  }

  @Test
  void aLayerOf64MiBPushes() throws IOException {
    Path bigDir = workDir.resolve("big-layout");
    OciLayout big = TestImages.ociLayout(bigDir);
    ImageInfo info =
        big.addImage(
            "big",
            ImageSpec.linux("amd64").withLayer(Layer.random("big.bin", 64L * 1024 * 1024, 64)));
    ImageReference target = ref("push-big:v1");

    PushResult result = client.push(ImageSource.ociLayout(bigDir, "big"), target);

    assertThat(result.digest()).hasToString(info.digest());
    assertThat(result.bytesSent()).isGreaterThan(64L * 1024 * 1024);
    assertThat(Digest.sha256(skopeo.inspectRaw(target.toString(), skopeoAuth())))
        .isEqualTo(result.digest());
    for (TestImages.Blob layer : info.layers()) {
      assertThat(client.blobExists(target, Digest.parse(layer.digest()))).isTrue();
    }
  }

  @Test
  void tagAndDeleteByDigest() {
    ImageReference v1 = ref("push-tag:v1");
    PushResult pushed = client.push(ImageSource.ociLayout(layout.dir(), "v1"), v1);

    Descriptor tagged = client.tag(v1, "stable");

    assertThat(tagged.digest()).isEqualTo(pushed.digest());
    assertThat(Digest.sha256(skopeo.inspectRaw(registry().ref("push-tag:stable"), skopeoAuth())))
        .isEqualTo(pushed.digest());
    assertThatThrownBy(() -> client.delete(v1)).isInstanceOf(InvalidReferenceException.class);
    ImageReference byDigest = ref("push-tag@" + pushed.digest());
    assertThat(client.delete(byDigest)).isTrue();
    assertThat(client.head(byDigest)).isEmpty();
    assertThat(client.head(ref("push-tag:stable"))).isEmpty();
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException e) {
      // best effort
    }
  }
}
