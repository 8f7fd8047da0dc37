package dev.flyregistry.internal.registry.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.DockerManifest;
import dev.flyregistry.registry.ImageManifest;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.ImageSourceException;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.ManifestIndex;
import dev.flyregistry.registry.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourcesTest {
  @TempDir Path tmp;

  private static byte[] read(ImageSource s, Descriptor d) throws IOException {
    try (InputStream in = s.openBlob(d)) {
      return in.readAllBytes();
    }
  }

  @Test
  void layoutWithOneImageNeedsNoName() throws IOException {
    TestLayouts l = new TestLayouts();
    byte[] layer = TestLayouts.random(3000, 1);
    TestLayouts.Blob m = l.image("linux", "amd64", layer);
    Path dir = l.tag(m, "v1").writeTo(tmp.resolve("layout"));

    ImageSource s = ImageSource.ociLayout(dir);
    Manifest root = s.manifest();
    assertThat(root.bytes()).isEqualTo(m.bytes());
    assertThat(root.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(root.digest()).isEqualTo(m.digest());
    ImageManifest im = (ImageManifest) root;
    assertThat(read(s, im.layers().get(0))).isEqualTo(layer);
    assertThat(im.layers().get(0).digest()).isEqualTo(Digest.sha256(layer));
  }

  @Test
  void layoutWithSeveralImagesIsChosenByRefNameOrFailsListingNames() {
    TestLayouts l = new TestLayouts();
    TestLayouts.Blob a = l.image("linux", "amd64", TestLayouts.random(100, 2));
    TestLayouts.Blob b = l.image("linux", "arm64", TestLayouts.random(100, 3));
    TestLayouts.Blob idx = l.index(a, b);
    Path dir = l.tag(a, "v1").tag(idx, "multi").writeTo(tmp.resolve("layout"));

    assertThat(ImageSource.ociLayout(dir, "v1").manifest().digest()).isEqualTo(a.digest());
    ImageSource multi = ImageSource.ociLayout(dir, "multi");
    assertThat(multi.manifest()).isInstanceOf(ManifestIndex.class);
    ManifestIndex index = (ManifestIndex) multi.manifest();
    assertThat(multi.manifest(index.manifests().get(1)).digest()).isEqualTo(b.digest());

    assertThatThrownBy(() -> ImageSource.ociLayout(dir))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("2 images")
        .hasMessageContaining("v1, multi")
        .satisfies(
            e ->
                assertThat(((ImageSourceException) e).availableNames())
                    .containsExactly("v1", "multi"));
    assertThatThrownBy(() -> ImageSource.ociLayout(dir, "v2"))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("no image named \"v2\"")
        .hasMessageContaining("v1, multi");
  }

  @Test
  void oneImageUnderSeveralRefNamesNeedsNoName() throws IOException {
    // docker save app:v1 app:latest (Docker 25 and later) lists the image once per tag
    TestLayouts l = new TestLayouts();
    byte[] layer = TestLayouts.random(500, 7);
    TestLayouts.Blob m = l.image("linux", "amd64", layer);
    l.tag(m, "v1").tag(m, "latest");
    Path dir = l.writeTo(tmp.resolve("layout"));
    Path tar = l.writeTar(tmp.resolve("saved.tar"), Map.of());

    assertThat(ImageSource.ociLayout(dir).manifest().digest()).isEqualTo(m.digest());
    assertThat(ImageSource.dockerArchive(tar).manifest().digest()).isEqualTo(m.digest());
    assertThat(ImageSource.ociLayout(dir, "latest").manifest().digest()).isEqualTo(m.digest());

    // two different images still need a name
    TestLayouts.Blob other = l.image("linux", "arm64", TestLayouts.random(500, 8));
    Path two = l.tag(other, "arm").writeTo(tmp.resolve("two"));
    assertThatThrownBy(() -> ImageSource.ociLayout(two))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("3 images")
        .hasMessageContaining("v1, latest, arm");
  }

  @Test
  void missingOrWrongBlobsAreTypedErrors() throws IOException {
    TestLayouts l = new TestLayouts();
    byte[] layer = TestLayouts.random(1000, 4);
    TestLayouts.Blob m = l.image("linux", "amd64", layer);
    Path dir = l.tag(m, "v1").writeTo(tmp.resolve("layout"));
    ImageSource s = ImageSource.ociLayout(dir);
    Descriptor d = ((ImageManifest) s.manifest()).layers().get(0);

    Files.write(dir.resolve("blobs/sha256/" + d.digest().hex()), new byte[10]);
    assertThatThrownBy(() -> s.openBlob(d))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("is 10 bytes but its descriptor says 1000");
    Files.delete(dir.resolve("blobs/sha256/" + d.digest().hex()));
    assertThatThrownBy(() -> s.openBlob(d))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("missing");

    // a manifest that does not hash to its digest
    byte[] tampered = m.bytes().clone();
    tampered[tampered.length - 2] = ' ';
    Files.write(dir.resolve("blobs/sha256/" + m.digest().hex()), tampered);
    assertThatThrownBy(() -> ImageSource.ociLayout(dir))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("does not hash to " + m.digest());
  }

  @Test
  void notALayout() {
    assertThatThrownBy(() -> ImageSource.ociLayout(tmp.resolve("nope")))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ImageSource.ociLayout(tmp))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("no index.json");
  }

  @Test
  void compressedArchiveIsReportedAsCompressedNotCorrupt() throws IOException {
    Path tar = legacyArchive(new byte[10], new byte[20], "my-app:v1");
    Path gz = tmp.resolve("saved.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(tar, out);
    }
    assertThatThrownBy(() -> ImageSource.dockerArchive(gz))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining(gz.toString())
        .hasMessageContaining("gzip-compressed")
        .hasMessageContaining("decompress it first");
    assertThatThrownBy(() -> ImageSource.parse(gz + ":my-app:v1"))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("gzip-compressed");
  }

  /** The legacy docker save format: manifest.json, a config, layer tars (one linked). */
  private Path legacyArchive(byte[] layer1, byte[] layer2, String repoTag) throws IOException {
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + Digest.sha256(layer1)
            + "\",\""
            + Digest.sha256(layer2)
            + "\",\""
            + Digest.sha256(layer1)
            + "\"]}}";
    String configName = Digest.sha256(config.getBytes(StandardCharsets.UTF_8)).hex() + ".json";
    String manifest =
        "[{\"Config\":\""
            + configName
            + "\",\"RepoTags\":[\""
            + repoTag
            + "\"],\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\",\"ccc/layer.tar\"]}]";
    return new TestTar()
        .file("aaa/VERSION", "1.0")
        .file("aaa/layer.tar", layer1)
        .file("bbb/layer.tar", layer2)
        .symlink("ccc/layer.tar", "../aaa/layer.tar")
        .file(configName, config)
        .file("manifest.json", manifest)
        .write(tmp.resolve("saved.tar"));
  }

  @Test
  void legacyDockerArchiveBecomesADockerV2ManifestWithUncompressedLayers() throws IOException {
    byte[] layer1 = new TestTar().file("etc/hello", "hi").bytes();
    byte[] layer2 = new TestTar().file("bin/app", TestLayouts.random(2000, 5)).bytes();
    Path tar = legacyArchive(layer1, layer2, "my-app:v1");

    ImageSource s = ImageSource.dockerArchive(tar);
    Manifest root = s.manifest();
    assertThat(root).isInstanceOf(DockerManifest.class);
    DockerManifest m = (DockerManifest) root;
    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    assertThat(m.layers())
        .extracting(Descriptor::mediaType)
        .containsOnly("application/vnd.docker.image.rootfs.diff.tar");
    assertThat(m.layers())
        .extracting(Descriptor::digest)
        .containsExactly(Digest.sha256(layer1), Digest.sha256(layer2), Digest.sha256(layer1));
    assertThat(m.layers())
        .extracting(Descriptor::size)
        .containsExactly((long) layer1.length, (long) layer2.length, (long) layer1.length);
    assertThat(read(s, m.layers().get(1))).isEqualTo(layer2);
    assertThat(read(s, m.layers().get(2))).isEqualTo(layer1);
    assertThat(Digest.sha256(read(s, m.config()))).isEqualTo(m.config().digest());

    // deterministic: the same archive gives the same manifest bytes
    assertThat(ImageSource.dockerArchive(tar).manifest().bytes()).isEqualTo(root.bytes());
    JsonNode json = new ObjectMapper().readTree(root.bytes());
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(2);

    assertThat(ImageSource.dockerArchive(tar, "my-app:v1").manifest().digest())
        .isEqualTo(root.digest());
    assertThatThrownBy(() -> ImageSource.dockerArchive(tar, "other:v1"))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("my-app:v1");
  }

  @Test
  void archiveHoldingAnOciLayoutIsReadAsOne() throws IOException {
    TestLayouts l = new TestLayouts();
    byte[] layer = TestLayouts.random(4000, 6);
    TestLayouts.Blob m = l.image("linux", "amd64", layer);
    l.tag(m, "latest");
    Path tar =
        l.writeTar(
            tmp.resolve("new.tar"),
            Map.of(
                "manifest.json",
                ("[{\"Config\":\"blobs/sha256/x\",\"RepoTags\":[\"app:latest\"],\"Layers\":[]}]")
                    .getBytes(StandardCharsets.UTF_8)));

    ImageSource s = ImageSource.dockerArchive(tar);
    assertThat(s.manifest().digest()).isEqualTo(m.digest());
    assertThat(read(s, ((ImageManifest) s.manifest()).layers().get(0))).isEqualTo(layer);
    assertThat(ImageSource.parse(tar + ":latest").manifest().digest()).isEqualTo(m.digest());
  }

  @Test
  void parseUnderstandsTheCliForms() throws IOException {
    TestLayouts l = new TestLayouts();
    TestLayouts.Blob a = l.image("linux", "amd64", TestLayouts.random(10, 7));
    TestLayouts.Blob b = l.image("linux", "arm64", TestLayouts.random(10, 8));
    Path dir = l.tag(a, "v1").tag(b, "v2").writeTo(tmp.resolve("layout"));
    TestLayouts one = new TestLayouts();
    TestLayouts.Blob c = one.image("linux", "amd64", TestLayouts.random(10, 9));
    Path oneDir = one.tag(c, null).writeTo(tmp.resolve("one"));
    Path tar = legacyArchive(new byte[1024], new byte[2048], "app:v1");

    assertThat(ImageSource.parse(dir + ":v2").manifest().digest()).isEqualTo(b.digest());
    assertThat(ImageSource.parse(oneDir.toString()).manifest().digest()).isEqualTo(c.digest());
    assertThat(ImageSource.parse(tar.toString()).manifest()).isInstanceOf(DockerManifest.class);
    assertThat(ImageSource.parse(tar + ":app:v1").manifest()).isInstanceOf(DockerManifest.class);
    assertThatThrownBy(() -> ImageSource.parse(tmp.resolve("missing") + ":v1"))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("no such file or directory");
    assertThatThrownBy(() -> ImageSource.parse(dir.toString()))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("v1, v2");
  }
}
