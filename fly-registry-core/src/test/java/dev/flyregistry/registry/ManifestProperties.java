package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.testing.JsonMutator;
import dev.flyregistry.testing.Samples;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Manifest JSON as registries might send it: valid manifests of the four kinds parse and keep their
 * bytes; near-valid mutations and noise give a manifest or {@link ManifestFormatException}, nothing
 * else (no Jackson exception, no {@link InvalidDigestException}, no NPE).
 */
class ManifestProperties {
  static String descriptor(Random r, String mediaType) {
    byte[] b = new byte[8];
    r.nextBytes(b);
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + Digest.sha256(b)
        + "\",\"size\":"
        + r.nextInt(1_000_000)
        + (r.nextBoolean()
            ? ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\",\"variant\":\"v8\"}"
            : "")
        + (r.nextBoolean() ? ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}" : "")
        + "}";
  }

  static String valid(Random r) {
    int kind = r.nextInt(4);
    StringBuilder items = new StringBuilder();
    int n = 1 + r.nextInt(4);
    String itemType =
        switch (kind) {
          case 0 -> MediaTypes.OCI_LAYER_GZIP;
          case 1 -> "application/vnd.docker.image.rootfs.diff.tar.gzip";
          case 2 -> MediaTypes.OCI_MANIFEST;
          default -> "application/vnd.docker.distribution.manifest.v2+json";
        };
    for (int i = 0; i < n; i++) {
      items.append(i == 0 ? "" : ",").append(descriptor(r, itemType));
    }
    return switch (kind) {
      case 0 ->
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\",\"config\":"
              + descriptor(r, MediaTypes.OCI_CONFIG)
              + ",\"layers\":["
              + items
              + "]}";
      case 1 ->
          "{\"schemaVersion\":2,\"mediaType\":\""
              + "application/vnd.docker.distribution.manifest.v2+json"
              + "\",\"config\":"
              + descriptor(r, "application/vnd.docker.container.image.v1+json")
              + ",\"layers\":["
              + items
              + "]}";
      case 2 ->
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_INDEX
              + "\",\"manifests\":["
              + items
              + "]}";
      default ->
          "{\"schemaVersion\":2,\"mediaType\":\""
              + "application/vnd.docker.distribution.manifest.list.v2+json"
              + "\",\"manifests\":["
              + items
              + "]}";
    };
  }

  /** A Content-Type a registry might send with a manifest, or none. */
  static String contentType(Random r) {
    return Samples.oneOf(
        r,
        (String) null,
        "",
        "application/json",
        "text/plain",
        MediaTypes.OCI_MANIFEST,
        MediaTypes.OCI_INDEX,
        "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8",
        "garbage/;;;=");
  }

  @Test
  void validManifestsParseKeepingTheirBytes() {
    Samples.forAll(
        random -> {
          byte[] bytes = valid(random).getBytes(StandardCharsets.UTF_8);
          Manifest m = Manifest.parse(bytes, null);
          assertThat(m.descriptor().digest()).isEqualTo(Digest.sha256(bytes));
          assertThat(m.descriptor().size()).isEqualTo(bytes.length);
        });
  }

  @Test
  void nearValidManifestsParseOrGiveManifestFormatException() {
    Samples.forAll(
        random -> {
          String contentType = contentType(random);
          check(
              JsonMutator.mutate(valid(random), random).getBytes(StandardCharsets.UTF_8),
              contentType);
        });
  }

  @Test
  void noiseGivesManifestFormatException() {
    Samples.forAll(
        random -> {
          byte[] noise = Samples.noiseBytes(random);
          String contentType = contentType(random);
          check(noise, contentType);
        });
  }

  private static void check(byte[] bytes, String contentType) {
    try {
      Manifest m = Manifest.parse(bytes, contentType);
      assertThat(m.descriptor().digest()).isEqualTo(Digest.sha256(bytes));
    } catch (ManifestFormatException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(4_000);
    }
  }
}
