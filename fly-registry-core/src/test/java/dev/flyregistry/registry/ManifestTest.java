package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestTest {
  static final String H1 = "a".repeat(64);
  static final String H2 = "b".repeat(64);

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String ociManifest() {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
        + H1
        + "\",\"size\":123},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":"
        + "\"sha256:"
        + H2
        + "\",\"size\":456,\"annotations\":{\"k\":\"v\"}}],"
        + "\"annotations\":{\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\"}}";
  }

  @Test
  void parsesOciManifestKeepingExactBytes() {
    byte[] raw = utf8(ociManifest() + "\n");
    Manifest m = Manifest.parse(raw, "application/vnd.oci.image.manifest.v1+json");
    assertThat(m).isInstanceOf(OciManifest.class);
    OciManifest oci = (OciManifest) m;
    assertThat(oci.bytes()).isEqualTo(raw);
    assertThat(oci.digest()).isEqualTo(Digest.sha256(raw));
    assertThat(oci.size()).isEqualTo(raw.length);
    assertThat(oci.config().size()).isEqualTo(123);
    assertThat(oci.layers())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.digest().hex()).isEqualTo(H2);
              assertThat(l.annotations()).containsEntry("k", "v");
            });
    assertThat(oci.annotations()).containsKey("org.opencontainers.image.created");
    assertThat(oci.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void bytesAreDefensivelyCopied() {
    byte[] raw = utf8(ociManifest());
    Manifest m = Manifest.parse(raw, null);
    raw[0] = ' ';
    byte[] out = m.bytes();
    out[1] = 'x';
    assertThat(m.bytes()[0]).isEqualTo((byte) '{');
    assertThat(m.bytes()[1]).isEqualTo((byte) '"');
  }

  @Test
  void parsesIndexesWithPlatforms() {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
            + "\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
            + "\"digest\":\"sha256:"
            + H1
            + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}";
    Manifest m =
        Manifest.parse(utf8(json), "application/vnd.docker.distribution.manifest.list.v2+json");
    assertThat(m).isInstanceOf(DockerManifestList.class);
    ManifestIndex index = (ManifestIndex) m;
    assertThat(index.manifests().get(0).platform())
        .hasValueSatisfying(p -> assertThat(p.toString()).isEqualTo("linux/arm64/v8"));
  }

  @Test
  void mediaTypeFallsBackToContentTypeOrShape() {
    String noType =
        ociManifest().replace("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",", "");
    assertThat(Manifest.parse(utf8(noType), null)).isInstanceOf(OciManifest.class);
    String index = "{\"schemaVersion\":2,\"manifests\":[]}";
    assertThat(Manifest.parse(utf8(index), "application/json")).isInstanceOf(OciIndex.class);
    assertThat(
            Manifest.parse(utf8(index), "application/vnd.oci.image.index.v1+json; charset=utf-8"))
        .isInstanceOf(OciIndex.class);
  }

  @Test
  void mediaTypeMustAgreeWithContentType() {
    assertThatThrownBy(() -> Manifest.parse(utf8(ociManifest()), MediaTypes.DOCKER_MANIFEST))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("disagrees with the response Content-Type");
  }

  @Test
  void rejectsBrokenManifestsWithReasons() {
    assertThatThrownBy(() -> Manifest.parse(utf8("<html>"), null))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> Manifest.parse(new byte[0], null)).hasMessageContaining("empty");
    assertThatThrownBy(() -> Manifest.parse(utf8("[]"), null)).hasMessageContaining("JSON object");
    assertThatThrownBy(
            () -> Manifest.parse(utf8(ociManifest().replace("\"size\":123", "\"size\":-1")), null))
        .hasMessageContaining("config size");
    assertThatThrownBy(
            () -> Manifest.parse(utf8(ociManifest().replace("sha256:" + H1, "sha256:xyz")), null))
        .hasMessageContaining("config has an invalid digest");
    assertThatThrownBy(
            () ->
                Manifest.parse(
                    utf8(
                        "{\"schemaVersion\":1,\"mediaType\":\""
                            + MediaTypes.DOCKER_MANIFEST_V1_SIGNED
                            + "\"}"),
                    null))
        .hasMessageContaining("schemaVersion 1");
    assertThatThrownBy(
            () ->
                Manifest.parse(
                    utf8("{\"schemaVersion\":2,\"mediaType\":\"application/x-thing\"}"), null))
        .hasMessageContaining("unsupported manifest media type");
  }

  @Test
  void schemaVersionIsCheckedFirstAndNeverWrapsAround() {
    // a Docker schema 1 manifest as registries serve it: no mediaType in the body
    String schema1 =
        "{\"schemaVersion\":1,\"name\":\"library/x\",\"tag\":\"v1\","
            + "\"architecture\":\"amd64\",\"fsLayers\":[],\"history\":[]}";
    assertThatThrownBy(() -> Manifest.parse(utf8(schema1), "application/json"))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("schemaVersion 1 is not supported");
    // 2^32 + 2 is not 2
    String wrapped = ociManifest().replace("\"schemaVersion\":2", "\"schemaVersion\":4294967298");
    assertThat(wrapped).isNotEqualTo(ociManifest());
    assertThatThrownBy(() -> Manifest.parse(utf8(wrapped), null))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("schemaVersion 4294967298 is not supported");
  }
}
