package dev.flyregistry.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.Deflater;

/**
 * Reproducible test images, written without Docker: OCI image layouts (single-platform images and
 * multi-platform indexes, see {@link OciLayout}) and {@code docker save} archives. Same input, same
 * bytes, same digests: tar entries sorted, mtime 0, owner 0, gzip with a fixed header, JSON with
 * sorted keys and no whitespace. Large layers are streamed to disk (a 64 MiB layer never sits in
 * memory).
 *
 * <pre>{@code
 * OciLayout layout = TestImages.ociLayout(dir);
 * TestImages.ImageInfo v1 = layout.addImage("v1", TestImages.ImageSpec.linux("amd64"));
 * TestImages.IndexInfo multi = layout.addIndex("multi",
 *     List.of(TestImages.ImageSpec.linux("amd64"), TestImages.ImageSpec.linux("arm64")));
 * }</pre>
 */
public final class TestImages {

  /** OCI image manifest media type. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index media type. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config media type. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI gzip layer media type. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** Docker image manifest v2 schema 2 media type. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list media type. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Annotation holding a tag in an OCI layout's index.json. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private TestImages() {}

  /**
   * @param dir the layout directory (created if missing; an existing layout is extended)
   * @return a writer for an OCI image layout
   */
  public static OciLayout ociLayout(Path dir) {
    return OciLayout.open(dir);
  }

  /**
   * A file of generated, reproducible pseudo-random content (incompressible).
   *
   * @param name path inside the layer
   * @param size size in bytes
   * @param seed the generator seed
   */
  public record RandomFile(String name, long size, long seed) {
    /** Checks the fields. */
    public RandomFile {
      Objects.requireNonNull(name, "name");
      if (size < 0) {
        throw new IllegalArgumentException("size must be >= 0: " + size);
      }
    }
  }

  /**
   * One filesystem layer: small files given as bytes plus generated random files.
   *
   * @param files path inside the layer → content
   * @param randomFiles generated files
   */
  public record Layer(SortedMap<String, byte[]> files, List<RandomFile> randomFiles) {
    /** Copies the fields. */
    public Layer {
      files = new TreeMap<>(files);
      randomFiles = List.copyOf(randomFiles);
    }

    /**
     * @param name path inside the layer
     * @param text UTF-8 content
     * @return a layer with one text file
     */
    public static Layer text(String name, String text) {
      return new Layer(
          new TreeMap<>(Map.of(name, text.getBytes(StandardCharsets.UTF_8))), List.of());
    }

    /**
     * @param name path inside the layer
     * @param size size in bytes
     * @param seed generator seed
     * @return a layer with one generated file
     */
    public static Layer random(String name, long size, long seed) {
      return new Layer(new TreeMap<>(), List.of(new RandomFile(name, size, seed)));
    }

    /**
     * @param name path inside the layer
     * @param text UTF-8 content
     * @return this layer plus a text file
     */
    public Layer withText(String name, String text) {
      TreeMap<String, byte[]> more = new TreeMap<>(files);
      more.put(name, text.getBytes(StandardCharsets.UTF_8));
      return new Layer(more, randomFiles);
    }

    @Override
    public SortedMap<String, byte[]> files() {
      return new TreeMap<>(files);
    }
  }

  /**
   * What an image holds.
   *
   * @param os the platform OS ({@code linux})
   * @param architecture the platform architecture ({@code amd64}, {@code arm64})
   * @param layers the layers, bottom first (at least one)
   * @param cmd the image's default command
   */
  public record ImageSpec(String os, String architecture, List<Layer> layers, List<String> cmd) {
    /** Copies and checks the fields. */
    public ImageSpec {
      Objects.requireNonNull(os, "os");
      Objects.requireNonNull(architecture, "architecture");
      layers = List.copyOf(layers);
      cmd = List.copyOf(cmd);
      if (layers.isEmpty()) {
        throw new IllegalArgumentException("an image needs at least one layer");
      }
    }

    /**
     * @param architecture the architecture
     * @return a linux image with one small layer ({@code hello.txt} naming the architecture)
     */
    public static ImageSpec linux(String architecture) {
      return linux(architecture, "hello from app (" + architecture + ")\n");
    }

    /**
     * @param architecture the architecture
     * @param hello the content of {@code hello.txt} (different text, different digests)
     * @return a linux image with one small layer
     */
    public static ImageSpec linux(String architecture, String hello) {
      return new ImageSpec(
          "linux", architecture, List.of(Layer.text("hello.txt", hello)), List.of("/bin/true"));
    }

    /**
     * @param layer a layer to put on top
     * @return this image plus that layer
     */
    public ImageSpec withLayer(Layer layer) {
      List<Layer> more = new ArrayList<>(layers);
      more.add(layer);
      return new ImageSpec(os, architecture, more, cmd);
    }
  }

  /**
   * A blob written to a layout or archive.
   *
   * @param mediaType its media type
   * @param digest {@code sha256:<hex>}
   * @param size its size in bytes
   */
  public record Blob(String mediaType, String digest, long size) {
    /**
     * @return the hex part of the digest
     */
    public String hex() {
      return digest.substring(digest.indexOf(':') + 1);
    }

    Map<String, Object> descriptorJson() {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("mediaType", mediaType);
      d.put("digest", digest);
      d.put("size", size);
      return d;
    }
  }

  /** A manifest (image manifest or index) written to a layout. */
  public sealed interface ManifestInfo permits ImageInfo, IndexInfo {
    /**
     * @return the manifest blob (media type, digest, size)
     */
    Blob blob();

    /**
     * @return a copy of the manifest's exact bytes
     */
    byte[] bytes();

    /**
     * @return the manifest's media type
     */
    default String mediaType() {
      return blob().mediaType();
    }

    /**
     * @return the manifest's digest
     */
    default String digest() {
      return blob().digest();
    }

    /**
     * @return the manifest's size
     */
    default long size() {
      return blob().size();
    }
  }

  /**
   * A single-platform image in a layout.
   *
   * @param blob the manifest blob
   * @param bytes the manifest bytes
   * @param config the config blob
   * @param configBytes the config bytes
   * @param layers the compressed layer blobs
   * @param diffIds the digests of the uncompressed layers
   * @param spec what the image was made from
   */
  public record ImageInfo(
      Blob blob,
      byte[] bytes,
      Blob config,
      byte[] configBytes,
      List<Blob> layers,
      List<String> diffIds,
      ImageSpec spec)
      implements ManifestInfo {
    /** Copies the fields. */
    public ImageInfo {
      bytes = bytes.clone();
      configBytes = configBytes.clone();
      layers = List.copyOf(layers);
      diffIds = List.copyOf(diffIds);
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public byte[] configBytes() {
      return configBytes.clone();
    }
  }

  /**
   * A multi-platform index in a layout.
   *
   * @param blob the index blob
   * @param bytes the index bytes
   * @param images the images it lists, in order
   */
  public record IndexInfo(Blob blob, byte[] bytes, List<ImageInfo> images) implements ManifestInfo {
    /** Copies the fields. */
    public IndexInfo {
      bytes = bytes.clone();
      images = List.copyOf(images);
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /**
   * A {@code docker save} archive.
   *
   * @param file the tar file
   * @param repoTag the {@code RepoTags} entry ({@code name:tag})
   * @param config the config blob ({@code sha256} of the config bytes)
   * @param configBytes the config JSON
   * @param diffIds the digests of the (uncompressed) layer tars, bottom first
   */
  public record DockerArchive(
      Path file, String repoTag, Blob config, byte[] configBytes, List<String> diffIds) {
    /** Copies the fields. */
    public DockerArchive {
      configBytes = configBytes.clone();
      diffIds = List.copyOf(diffIds);
    }

    @Override
    public byte[] configBytes() {
      return configBytes.clone();
    }
  }

  /**
   * Writes a {@code docker save}-style archive: {@code manifest.json}, {@code <hex>.json} (the
   * config) and {@code <diff-id hex>/layer.tar} per layer (uncompressed), entries sorted by name.
   *
   * @param file the tar file to write (replaced if present)
   * @param repoTag the {@code RepoTags} entry, {@code name:tag}
   * @param spec the image
   * @return what was written
   */
  public static DockerArchive dockerArchive(Path file, String repoTag, ImageSpec spec) {
    Path tmpDir = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      tmpDir = Files.createTempDirectory(parent, ".docker-archive-");
      List<String> diffIds = new ArrayList<>();
      TreeMap<String, Path> layerFiles = new TreeMap<>();
      for (Layer layer : spec.layers()) {
        Path tmp = tmpDir.resolve("layer-" + diffIds.size() + ".tar");
        MessageDigest sha = sha256();
        try (OutputStream out =
            new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)), sha)) {
          writeLayerTar(layer, out);
        }
        String diffId = "sha256:" + HexFormat.of().formatHex(sha.digest());
        diffIds.add(diffId);
        layerFiles.put(diffId.substring(7), tmp);
      }
      byte[] config = configJson(spec, diffIds);
      Blob configBlob =
          new Blob(
              "application/vnd.docker.container.image.v1+json", digestOf(config), config.length);
      List<String> layerPaths = new ArrayList<>();
      for (String d : diffIds) {
        layerPaths.add(d.substring(7) + "/layer.tar");
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("Config", configBlob.hex() + ".json");
      entry.put("RepoTags", List.of(repoTag));
      entry.put("Layers", layerPaths);
      byte[] manifest = canonicalJson(List.of(entry));

      TreeMap<String, Object> entries = new TreeMap<>(); // name -> byte[] | Path | null (directory)
      entries.put("manifest.json", manifest);
      entries.put(configBlob.hex() + ".json", config);
      for (Map.Entry<String, Path> e : layerFiles.entrySet()) {
        entries.put(e.getKey() + "/", null);
        entries.put(e.getKey() + "/layer.tar", e.getValue());
      }
      Path tmpArchive = tmpDir.resolve("archive.tar");
      try (TarWriter tar =
          new TarWriter(new BufferedOutputStream(Files.newOutputStream(tmpArchive), 1 << 16))) {
        for (Map.Entry<String, Object> e : entries.entrySet()) {
          Object v = e.getValue();
          if (v == null) {
            tar.directory(e.getKey());
          } else if (v instanceof byte[] bytes) {
            tar.file(e.getKey(), bytes);
          } else {
            Path p = (Path) v;
            try (InputStream in = Files.newInputStream(p)) {
              tar.file(e.getKey(), Files.size(p), in);
            }
          }
        }
      }
      Files.move(tmpArchive, file, StandardCopyOption.REPLACE_EXISTING);
      return new DockerArchive(file, repoTag, configBlob, config, diffIds);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write docker archive " + file, e);
    } finally {
      LocalRegistry.deleteTree(tmpDir);
    }
  }

  // ---- shared machinery (used by OciLayout too) ----

  /** The image config JSON: fixed creation time, the platform, the command and the diff IDs. */
  static byte[] configJson(ImageSpec spec, List<String> diffIds) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", spec.architecture());
    config.put("os", spec.os());
    config.put("created", "1970-01-01T00:00:00Z");
    config.put("config", Map.of("Cmd", spec.cmd(), "Env", List.of("PATH=/usr/bin:/bin")));
    config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
    return canonicalJson(config);
  }

  /** Writes a layer's uncompressed tar: entries (with parent directories) sorted by name. */
  static void writeLayerTar(Layer layer, OutputStream out) throws IOException {
    TreeMap<String, Object> entries = new TreeMap<>();
    TreeSet<String> dirs = new TreeSet<>();
    for (Map.Entry<String, byte[]> f : layer.files().entrySet()) {
      entries.put(checkName(f.getKey()), f.getValue());
    }
    for (RandomFile r : layer.randomFiles()) {
      if (entries.put(checkName(r.name()), r) != null) {
        throw new IllegalArgumentException("duplicate file in layer: " + r.name());
      }
    }
    for (String name : entries.keySet()) {
      int slash = name.indexOf('/');
      while (slash > 0) {
        dirs.add(name.substring(0, slash + 1));
        slash = name.indexOf('/', slash + 1);
      }
    }
    for (String d : dirs) {
      entries.put(d, null);
    }
    TarWriter tar = new TarWriter(out);
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      Object v = e.getValue();
      if (v == null) {
        tar.directory(e.getKey());
      } else if (v instanceof byte[] bytes) {
        tar.file(e.getKey(), bytes);
      } else {
        RandomFile r = (RandomFile) v;
        tar.file(r.name(), r.size(), new RandomStream(r.size(), r.seed()));
      }
    }
    tar.finish();
    out.flush();
  }

  /** A compressed layer blob and the digest of its uncompressed tar. */
  record WrittenLayer(Blob blob, String diffId) {}

  /** Writes a gzip layer blob into {@code blobDir}, named by its digest. */
  static WrittenLayer writeGzipLayer(Layer layer, Path blobDir) throws IOException {
    Path tmp = Files.createTempFile(blobDir, ".layer-", ".tmp");
    try {
      MessageDigest compressed = sha256();
      MessageDigest uncompressed = sha256();
      long size;
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        CountingDigestStream counted = new CountingDigestStream(file, compressed);
        GzipWriter gz = new GzipWriter(counted, Deflater.BEST_SPEED);
        DigestOutputStream raw = new DigestOutputStream(gz, uncompressed);
        writeLayerTar(layer, raw);
        gz.finish();
        size = counted.count;
      }
      String digest = "sha256:" + HexFormat.of().formatHex(compressed.digest());
      String diffId = "sha256:" + HexFormat.of().formatHex(uncompressed.digest());
      Files.move(tmp, blobDir.resolve(digest.substring(7)), StandardCopyOption.REPLACE_EXISTING);
      return new WrittenLayer(new Blob(OCI_LAYER_GZIP, digest, size), diffId);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static byte[] canonicalJson(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value, e);
    }
  }

  static String digestOf(byte[] data) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(data));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  private static String checkName(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.endsWith("/")) {
      throw new IllegalArgumentException("layer file names are relative file paths: " + name);
    }
    return name;
  }

  /** Counts and hashes what passes through to the underlying stream. */
  private static final class CountingDigestStream extends java.io.FilterOutputStream {
    private final MessageDigest digest;
    private long count;

    CountingDigestStream(OutputStream out, MessageDigest digest) {
      super(out);
      this.digest = digest;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }
  }

  /** Reproducible pseudo-random bytes from {@link SplittableRandom}. */
  static final class RandomStream extends InputStream {
    private final SplittableRandom random;
    private long left;
    private long word;
    private int wordLeft;

    RandomStream(long size, long seed) {
      this.random = new SplittableRandom(seed);
      this.left = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        if (wordLeft == 0) {
          word = random.nextLong();
          wordLeft = 8;
        }
        b[off + i] = (byte) word;
        word >>>= 8;
        wordLeft--;
      }
      left -= n;
      return n;
    }
  }
}
