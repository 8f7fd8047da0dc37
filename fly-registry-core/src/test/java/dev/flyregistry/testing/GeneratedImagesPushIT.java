package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.testing.TestImages.DockerArchive;
import dev.flyregistry.testing.TestImages.ImageInfo;
import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TestImages.IndexInfo;
import dev.flyregistry.testing.TestImages.Layer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's images are valid for real tools: skopeo pushes each kind to the real registry,
 * and what the registry serves is what the generator wrote (or skopeo's faithful conversion).
 */
class GeneratedImagesPushIT {

  @RegisterExtension static final LocalRegistryExtension REGISTRY = LocalRegistryExtension.noAuth();

  @TempDir static Path tmp;

  private static Skopeo skopeo;
  private static OciLayout layout;
  private static ImageInfo image;
  private static IndexInfo index;

  @BeforeAll
  static void writeLayout() {
    skopeo = Skopeo.create();
    layout = TestImages.ociLayout(tmp.resolve("layout"));
    image =
        layout.addImage(
            "v1", ImageSpec.linux("amd64").withLayer(Layer.random("data.bin", 100_000, 3)));
    index = layout.addIndex("multi", List.of(ImageSpec.linux("amd64"), ImageSpec.linux("arm64")));
  }

  @Test
  void ociManifestArrivesByteForByte() {
    String ref = REGISTRY.registry().ref("gen/app:oci");
    skopeo.pushOciLayout(layout.dir(), "v1", ref, Skopeo.anonymous(), Skopeo.Format.KEEP, false);

    assertThat(skopeo.inspectRaw(ref, Skopeo.anonymous())).isEqualTo(image.bytes());
  }

  @Test
  void ociIndexArrivesByteForByte() {
    String ref = REGISTRY.registry().ref("gen/app:multi");
    skopeo.pushOciLayout(layout.dir(), "multi", ref, Skopeo.anonymous(), Skopeo.Format.KEEP, true);

    assertThat(skopeo.inspectRaw(ref, Skopeo.anonymous())).isEqualTo(index.bytes());
    for (ImageInfo platformImage : index.images()) {
      String byDigest = REGISTRY.registry().ref("gen/app@" + platformImage.digest());
      assertThat(skopeo.inspectRaw(byDigest, Skopeo.anonymous())).isEqualTo(platformImage.bytes());
    }
  }

  @Test
  void dockerConversionKeepsConfigAndLayers() throws Exception {
    String ref = REGISTRY.registry().ref("gen/app:docker");
    skopeo.pushOciLayout(layout.dir(), "v1", ref, Skopeo.anonymous(), Skopeo.Format.V2S2, false);

    JsonNode m = TestImages.JSON.readTree(skopeo.inspectRaw(ref, Skopeo.anonymous()));
    assertThat(m.get("mediaType").asText()).isEqualTo(TestImages.DOCKER_MANIFEST);
    assertThat(m.at("/config/digest").asText()).isEqualTo(image.config().digest());
    List<String> layers = new ArrayList<>();
    m.get("layers").forEach(l -> layers.add(l.get("digest").asText()));
    assertThat(layers)
        .containsExactlyElementsOf(image.layers().stream().map(TestImages.Blob::digest).toList());
  }

  @Test
  void dockerManifestListHasBothPlatforms() throws Exception {
    String ref = REGISTRY.registry().ref("gen/app:docker-list");
    skopeo.pushOciLayout(layout.dir(), "multi", ref, Skopeo.anonymous(), Skopeo.Format.V2S2, true);

    JsonNode list = TestImages.JSON.readTree(skopeo.inspectRaw(ref, Skopeo.anonymous()));
    assertThat(list.get("mediaType").asText()).isEqualTo(TestImages.DOCKER_MANIFEST_LIST);
    List<String> platforms = new ArrayList<>();
    list.get("manifests")
        .forEach(
            d -> {
              assertThat(d.get("mediaType").asText()).isEqualTo(TestImages.DOCKER_MANIFEST);
              platforms.add(
                  d.at("/platform/os").asText() + "/" + d.at("/platform/architecture").asText());
            });
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");
  }

  @Test
  void largeLayerIsPushedIntact() throws Exception {
    OciLayout big = TestImages.ociLayout(tmp.resolve("big"));
    long size = 64L * 1024 * 1024;
    ImageInfo bigImage =
        big.addImage("big", ImageSpec.linux("amd64").withLayer(Layer.random("big.bin", size, 64)));
    assertThat(bigImage.layers().get(1).size()).isGreaterThan(size);

    String ref = REGISTRY.registry().ref("gen/big:v1");
    skopeo.pushOciLayout(big.dir(), "big", ref, Skopeo.anonymous(), Skopeo.Format.KEEP, false);

    assertThat(skopeo.inspectRaw(ref, Skopeo.anonymous())).isEqualTo(bigImage.bytes());
  }

  @Test
  void dockerArchiveIsReadBySkopeo() throws Exception {
    DockerArchive archive =
        TestImages.dockerArchive(
            tmp.resolve("saved.tar"),
            "gen/saved:v1",
            ImageSpec.linux("amd64").withLayer(Layer.text("etc/app.conf", "x=1\n")));
    String ref = REGISTRY.registry().ref("gen/saved:v1");
    skopeo.pushDockerArchive(archive.file(), ref, Skopeo.anonymous(), Skopeo.Format.V2S2);

    JsonNode m = TestImages.JSON.readTree(skopeo.inspectRaw(ref, Skopeo.anonymous()));
    assertThat(m.at("/config/digest").asText()).isEqualTo(archive.config().digest());
    assertThat(m.get("layers")).hasSize(archive.diffIds().size());
  }

  @Test
  void skopeoFailureCarriesItsOutput() {
    assertThatThrownBy(
            () ->
                skopeo.inspectRaw(
                    REGISTRY.registry().ref("gen/app:no-such-tag"), Skopeo.anonymous()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("skopeo inspect --raw")
        .hasMessageContaining("exit status")
        .hasMessageContaining("stderr:")
        .hasMessageContaining("no-such-tag");
  }
}
