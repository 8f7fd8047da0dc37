package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.testing.TestImages.Blob;
import dev.flyregistry.testing.TestImages.DockerArchive;
import dev.flyregistry.testing.TestImages.ImageInfo;
import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TestImages.IndexInfo;
import dev.flyregistry.testing.TestImages.Layer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestImagesTest {

  @TempDir Path tmp;

  @Test
  void sameSpecGivesSameDigestsInTwoLayouts() {
    ImageSpec spec =
        ImageSpec.linux("amd64").withLayer(Layer.random("data/payload.bin", 300_000, 7));
    OciLayout a = TestImages.ociLayout(tmp.resolve("a"));
    OciLayout b = TestImages.ociLayout(tmp.resolve("b"));

    ImageInfo first = a.addImage("v1", spec);
    ImageInfo second = b.addImage("v1", spec);

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(second.layers()).isEqualTo(first.layers());
    assertThat(second.config()).isEqualTo(first.config());
  }

  @Test
  void differentContentGivesDifferentDigests() {
    OciLayout layout = TestImages.ociLayout(tmp.resolve("l"));
    ImageInfo amd = layout.addImage("amd", ImageSpec.linux("amd64"));
    ImageInfo arm = layout.addImage("arm", ImageSpec.linux("arm64"));
    ImageInfo other = layout.addImage("other", ImageSpec.linux("amd64", "other text\n"));

    assertThat(List.of(amd.digest(), arm.digest(), other.digest())).doesNotHaveDuplicates();
  }

  @Test
  void blobsAreNamedBySha256OfTheirContentAndSizesMatch() throws IOException {
    OciLayout layout = TestImages.ociLayout(tmp.resolve("l"));
    ImageInfo image =
        layout.addImage(
            "v1", ImageSpec.linux("amd64").withLayer(Layer.random("payload.bin", 100_000, 1)));

    List<Blob> blobs = new ArrayList<>(image.layers());
    blobs.add(image.config());
    blobs.add(image.blob());
    for (Blob blob : blobs) {
      byte[] content = Files.readAllBytes(layout.blobPath(blob.digest()));
      assertThat(TestImages.digestOf(content)).as(blob.toString()).isEqualTo(blob.digest());
      assertThat((long) content.length).isEqualTo(blob.size());
    }
    assertThat(Files.readAllBytes(layout.blobPath(image.digest()))).isEqualTo(image.bytes());
  }

  @Test
  void manifestAndConfigDescribeTheLayers() throws IOException {
    OciLayout layout = TestImages.ociLayout(tmp.resolve("l"));
    ImageInfo image =
        layout.addImage(
            "v1", ImageSpec.linux("arm64").withLayer(Layer.text("etc/motd", "hello\n")));

    JsonNode manifest = TestImages.JSON.readTree(image.bytes());
    assertThat(manifest.get("schemaVersion").asInt()).isEqualTo(2);
    assertThat(manifest.get("mediaType").asText()).isEqualTo(TestImages.OCI_MANIFEST);
    assertThat(manifest.at("/config/digest").asText()).isEqualTo(image.config().digest());
    assertThat(manifest.at("/config/mediaType").asText()).isEqualTo(TestImages.OCI_CONFIG);
    assertThat(manifest.get("layers")).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode l = manifest.get("layers").get(i);
      assertThat(l.get("mediaType").asText()).isEqualTo(TestImages.OCI_LAYER_GZIP);
      assertThat(l.get("digest").asText()).isEqualTo(image.layers().get(i).digest());
      assertThat(l.get("size").asLong()).isEqualTo(image.layers().get(i).size());
    }

    JsonNode config = TestImages.JSON.readTree(image.configBytes());
    assertThat(config.get("architecture").asText()).isEqualTo("arm64");
    assertThat(config.get("os").asText()).isEqualTo("linux");
    List<String> diffIds = new ArrayList<>();
    config.at("/rootfs/diff_ids").forEach(n -> diffIds.add(n.asText()));
    assertThat(diffIds).isEqualTo(image.diffIds());
    // each diff_id is the sha256 of the decompressed layer
    for (int i = 0; i < 2; i++) {
      byte[] tar = gunzip(Files.readAllBytes(layout.blobPath(image.layers().get(i).digest())));
      assertThat(TestImages.digestOf(tar)).isEqualTo(image.diffIds().get(i));
    }
  }

  @Test
  void layersAreTarsWithSortedEntriesFixedTimesAndParentDirectories() throws IOException {
    OciLayout layout = TestImages.ociLayout(tmp.resolve("l"));
    Layer layer =
        Layer.text("zeta.txt", "z").withText("app/b.txt", "bb").withText("app/a.txt", "a");
    ImageInfo image =
        layout.addImage("v1", new ImageSpec("linux", "amd64", List.of(layer), List.of("/x")));

    byte[] gz = Files.readAllBytes(layout.blobPath(image.layers().get(0).digest()));
    // fixed gzip header: magic, deflate, no flags, mtime 0, xfl 0, OS unknown
    assertThat(java.util.Arrays.copyOf(gz, 10))
        .containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    Map<String, String> entries = readTar(gunzip(gz));
    assertThat(entries.keySet()).containsExactly("app/", "app/a.txt", "app/b.txt", "zeta.txt");
    assertThat(entries.get("app/b.txt")).isEqualTo("bb");
    assertThat(entries.get("zeta.txt")).isEqualTo("z");
  }

  @Test
  void indexListsEachPlatformImage() throws IOException {
    OciLayout layout = TestImages.ociLayout(tmp.resolve("l"));
    IndexInfo index =
        layout.addIndex("multi", List.of(ImageSpec.linux("amd64"), ImageSpec.linux("arm64")));

    JsonNode json = TestImages.JSON.readTree(index.bytes());
    assertThat(json.get("mediaType").asText()).isEqualTo(TestImages.OCI_INDEX);
    assertThat(json.get("manifests")).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode d = json.get("manifests").get(i);
      ImageInfo image = index.images().get(i);
      assertThat(d.get("digest").asText()).isEqualTo(image.digest());
      assertThat(d.get("size").asLong()).isEqualTo(image.size());
      assertThat(d.at("/platform/architecture").asText()).isEqualTo(image.spec().architecture());
      assertThat(d.at("/platform/os").asText()).isEqualTo("linux");
      assertThat(Files.exists(layout.blobPath(image.digest()))).isTrue();
    }
  }

  @Test
  void indexJsonTagsEveryManifestAndSurvivesReopening() throws IOException {
    Path dir = tmp.resolve("l");
    OciLayout layout = TestImages.ociLayout(dir);
    ImageInfo v1 = layout.addImage("v1", ImageSpec.linux("amd64"));
    IndexInfo multi =
        TestImages.ociLayout(dir)
            .addIndex("multi", List.of(ImageSpec.linux("amd64"), ImageSpec.linux("arm64")));

    JsonNode index = TestImages.JSON.readTree(dir.resolve("index.json").toFile());
    Map<String, String> tags = new LinkedHashMap<>();
    index
        .get("manifests")
        .forEach(
            m ->
                tags.put(
                    m.at("/annotations/" + TestImages.REF_NAME.replace("/", "~1")).asText(),
                    m.get("digest").asText()));
    assertThat(tags)
        .containsExactly(Map.entry("multi", multi.digest()), Map.entry("v1", v1.digest()));
    assertThat(Files.readString(dir.resolve("oci-layout")))
        .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  @Test
  void randomFileHasTheRequestedSizeAndIsReproducible() throws IOException {
    byte[] a = new TestImages.RandomStream(1_000_003, 42).readAllBytes();
    byte[] b = new TestImages.RandomStream(1_000_003, 42).readAllBytes();
    byte[] c = new TestImages.RandomStream(1_000_003, 43).readAllBytes();
    assertThat(a).hasSize(1_000_003).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void largeLayerIsStreamedWithTheExactPayload() throws Exception {
    long size = 2L * 1024 * 1024 + 5;
    OciLayout layout = TestImages.ociLayout(tmp.resolve("l"));
    ImageInfo image =
        layout.addImage("big", ImageSpec.linux("amd64").withLayer(Layer.random("p.bin", size, 9)));

    // the payload inside the tar equals the generator's output
    Path blob = layout.blobPath(image.layers().get(1).digest());
    MessageDigest want = TestImages.sha256();
    want.update(new TestImages.RandomStream(size, 9).readAllBytes());
    try (InputStream in = new GZIPInputStream(Files.newInputStream(blob))) {
      byte[] header = in.readNBytes(512);
      assertThat(new String(header, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("p.bin");
      MessageDigest got = TestImages.sha256();
      try (DigestInputStream d = new DigestInputStream(boundedStream(in, size), got)) {
        d.transferTo(java.io.OutputStream.nullOutputStream());
      }
      assertThat(HexFormat.of().formatHex(got.digest()))
          .isEqualTo(HexFormat.of().formatHex(want.digest()));
    }
  }

  @Test
  void dockerArchiveHoldsManifestConfigAndLayerTars() throws IOException {
    ImageSpec spec = ImageSpec.linux("amd64").withLayer(Layer.text("etc/app.conf", "x=1\n"));
    DockerArchive archive = TestImages.dockerArchive(tmp.resolve("img.tar"), "app-1:v1", spec);
    DockerArchive again = TestImages.dockerArchive(tmp.resolve("again.tar"), "app-1:v1", spec);

    assertThat(Files.readAllBytes(again.file())).isEqualTo(Files.readAllBytes(archive.file()));
    Map<String, String> entries = readTar(Files.readAllBytes(archive.file()));
    String configName = archive.config().hex() + ".json";
    assertThat(entries).containsKey("manifest.json").containsKey(configName);
    JsonNode manifest = TestImages.JSON.readTree(entries.get("manifest.json"));
    assertThat(manifest.get(0).get("Config").asText()).isEqualTo(configName);
    assertThat(manifest.get(0).get("RepoTags").get(0).asText()).isEqualTo("app-1:v1");
    assertThat(manifest.get(0).get("Layers")).hasSize(2);
    assertThat(TestImages.digestOf(entries.get(configName).getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo(archive.config().digest());
    for (int i = 0; i < 2; i++) {
      String layerName = manifest.get(0).get("Layers").get(i).asText();
      byte[] layerTar = entries.get(layerName).getBytes(StandardCharsets.ISO_8859_1);
      assertThat(TestImages.digestOf(layerTar)).isEqualTo(archive.diffIds().get(i));
    }
    assertThat(new ArrayList<>(entries.keySet())).isSorted();
  }

  @Test
  void layerFileNamesMustBeRelative() {
    OciLayout layout = TestImages.ociLayout(tmp.resolve("l"));
    ImageSpec bad =
        new ImageSpec("linux", "amd64", List.of(Layer.text("/etc/passwd", "x")), List.of());
    assertThatThrownBy(() -> layout.addImage("bad", bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/etc/passwd");
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  private static InputStream boundedStream(InputStream in, long size) {
    return new InputStream() {
      long left = size;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        left--;
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }

  /**
   * Reads a ustar archive (checking each header's checksum, mtime 0 and owner 0): entry name →
   * content as ISO-8859-1 text (byte-preserving). Fails on anything this generator never writes.
   */
  static Map<String, String> readTar(byte[] tar) {
    Map<String, String> entries = new LinkedHashMap<>();
    int pos = 0;
    while (pos + 512 <= tar.length) {
      byte[] h = java.util.Arrays.copyOfRange(tar, pos, pos + 512);
      if (isZero(h)) {
        break;
      }
      String name = cString(h, 0, 100);
      long size = Long.parseLong(cString(h, 124, 12).trim(), 8);
      long mtime = Long.parseLong(cString(h, 136, 12).trim(), 8);
      long uid = Long.parseLong(cString(h, 108, 8).trim(), 8);
      long chk = Long.parseLong(cString(h, 148, 8).trim(), 8);
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
      }
      assertThat(chk).as("checksum of " + name).isEqualTo(sum);
      assertThat(mtime).as("mtime of " + name).isZero();
      assertThat(uid).as("uid of " + name).isZero();
      assertThat(cString(h, 257, 6)).isEqualTo("ustar");
      pos += 512;
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      content.write(tar, pos, (int) size);
      entries.put(name, content.toString(StandardCharsets.ISO_8859_1));
      pos += (int) ((size + 511) / 512 * 512);
    }
    assertThat(tar.length % (20 * 512)).as("record padding").isZero();
    return entries;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.US_ASCII);
  }
}
