package dev.flyregistry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.testing.TestImages.Blob;
import dev.flyregistry.testing.TestImages.ImageInfo;
import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TestImages.IndexInfo;
import dev.flyregistry.testing.TestImages.Layer;
import dev.flyregistry.testing.TestImages.ManifestInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/})
 * that test images are written into. Each {@code add...} call writes the blobs, then rewrites
 * {@code index.json} with one entry per tag (annotation {@value TestImages#REF_NAME}), sorted by
 * tag. Not thread-safe.
 */
public final class OciLayout {

  private final Path dir;
  private final Path blobs;
  private final TreeMap<String, Map<String, Object>> index = new TreeMap<>();
  private final Map<String, ManifestInfo> written = new LinkedHashMap<>();

  private OciLayout(Path dir) {
    this.dir = dir;
    this.blobs = dir.resolve("blobs").resolve("sha256");
  }

  static OciLayout open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    OciLayout layout = new OciLayout(dir.toAbsolutePath());
    try {
      Files.createDirectories(layout.blobs);
      Files.write(
          dir.resolve("oci-layout"),
          TestImages.canonicalJson(Map.of("imageLayoutVersion", "1.0.0")));
      Path indexFile = dir.resolve("index.json");
      if (Files.exists(indexFile)) {
        JsonNode existing = TestImages.JSON.readTree(indexFile.toFile());
        for (JsonNode m : existing.path("manifests")) {
          String tag = m.path("annotations").path(TestImages.REF_NAME).asText(null);
          if (tag != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = TestImages.JSON.convertValue(m, Map.class);
            layout.index.put(tag, entry);
          }
        }
      }
      layout.writeIndex();
      return layout;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create OCI layout " + dir, e);
    }
  }

  /**
   * @return the layout directory (absolute)
   */
  public Path dir() {
    return dir;
  }

  /**
   * @param digest {@code sha256:<hex>}
   * @return the blob's file
   */
  public Path blobPath(String digest) {
    return blobs.resolve(digest.substring(digest.indexOf(':') + 1));
  }

  /**
   * @return what this writer added, by tag, in the order added
   */
  public Map<String, ManifestInfo> written() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(written));
  }

  /**
   * Writes a single-platform OCI image (config, gzip layers, OCI image manifest) and tags it.
   *
   * @param tag the tag ({@value TestImages#REF_NAME}) in index.json
   * @param spec the image
   * @return the manifest, config and layers written
   */
  public ImageInfo addImage(String tag, ImageSpec spec) {
    ImageInfo image = writeImage(spec);
    tag(tag, image);
    return image;
  }

  /**
   * Writes one OCI image per spec and an OCI image index over them (with platforms), and tags it.
   *
   * @param tag the tag of the index
   * @param specs the images, in index order
   * @return the index and its images
   */
  public IndexInfo addIndex(String tag, List<ImageSpec> specs) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("an index needs at least one image");
    }
    List<ImageInfo> images = new ArrayList<>();
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (ImageSpec spec : specs) {
      ImageInfo image = writeImage(spec);
      images.add(image);
      Map<String, Object> d = image.blob().descriptorJson();
      d.put("platform", Map.of("architecture", spec.architecture(), "os", spec.os()));
      manifests.add(d);
    }
    Map<String, Object> idx = new LinkedHashMap<>();
    idx.put("schemaVersion", 2);
    idx.put("mediaType", TestImages.OCI_INDEX);
    idx.put("manifests", manifests);
    byte[] bytes = TestImages.canonicalJson(idx);
    Blob blob = writeBlob(bytes, TestImages.OCI_INDEX);
    IndexInfo info = new IndexInfo(blob, bytes, images);
    tag(tag, info);
    return info;
  }

  private ImageInfo writeImage(ImageSpec spec) {
    try {
      List<Blob> layers = new ArrayList<>();
      List<String> diffIds = new ArrayList<>();
      for (Layer layer : spec.layers()) {
        TestImages.WrittenLayer w = TestImages.writeGzipLayer(layer, blobs);
        layers.add(w.blob());
        diffIds.add(w.diffId());
      }
      byte[] config = TestImages.configJson(spec, diffIds);
      Blob configBlob = writeBlob(config, TestImages.OCI_CONFIG);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("schemaVersion", 2);
      m.put("mediaType", TestImages.OCI_MANIFEST);
      m.put("config", configBlob.descriptorJson());
      List<Map<String, Object>> layerJson = new ArrayList<>();
      for (Blob b : layers) {
        layerJson.add(b.descriptorJson());
      }
      m.put("layers", layerJson);
      byte[] bytes = TestImages.canonicalJson(m);
      Blob blob = writeBlob(bytes, TestImages.OCI_MANIFEST);
      return new ImageInfo(blob, bytes, configBlob, config, layers, diffIds, spec);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write image into " + dir, e);
    }
  }

  private void tag(String tag, ManifestInfo info) {
    Objects.requireNonNull(tag, "tag");
    Map<String, Object> d = info.blob().descriptorJson();
    d.put("annotations", Map.of(TestImages.REF_NAME, tag));
    index.put(tag, d);
    written.put(tag, info);
    try {
      writeIndex();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("index.json"), e);
    }
  }

  private Blob writeBlob(byte[] bytes, String mediaType) {
    String digest = TestImages.digestOf(bytes);
    Path target = blobPath(digest);
    try {
      if (!Files.exists(target) || Files.size(target) != bytes.length) {
        Path tmp = Files.createTempFile(blobs, ".blob-", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write blob " + digest + " into " + dir, e);
    }
    return new Blob(mediaType, digest, bytes.length);
  }

  private void writeIndex() throws IOException {
    Map<String, Object> idx = new LinkedHashMap<>();
    idx.put("schemaVersion", 2);
    idx.put("mediaType", TestImages.OCI_INDEX);
    idx.put("manifests", new ArrayList<>(index.values()));
    Path tmp = Files.createTempFile(dir, ".index-", ".tmp");
    Files.writeString(
        tmp, new String(TestImages.canonicalJson(idx), StandardCharsets.UTF_8) + "\n");
    Files.move(tmp, dir.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING);
  }
}
