package dev.flyregistry.examples;

import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a tiny OCI image layout to disk, so that the examples and {@code flyreg demo} have an
 * image to push without Docker or a build: one gzip layer holding {@code /hello.txt}, a linux/amd64
 * config, an image manifest, and {@code index.json} naming the image with {@code
 * org.opencontainers.image.ref.name}. The same text gives the same bytes (and digests) every time.
 *
 * <pre>{@code
 * SampleImage image = SampleImage.write(Path.of("build/image"), "v1", "hello from fly-registry");
 * // push it: ImageSource.parse("build/image:v1")
 * }</pre>
 *
 * @param directory the layout directory
 * @param refName the image's {@code org.opencontainers.image.ref.name}
 * @param manifestDigest the digest of the image manifest
 * @param manifestSize the size of the image manifest
 * @param layerDigest the digest of the single layer
 */
public record SampleImage(
    Path directory, String refName, Digest manifestDigest, long manifestSize, Digest layerDigest) {

  /**
   * Checks that no component is null.
   *
   * @param directory the layout directory
   * @param refName the image's {@code org.opencontainers.image.ref.name}
   * @param manifestDigest the digest of the image manifest
   * @param manifestSize the size of the image manifest
   * @param layerDigest the digest of the single layer
   */
  public SampleImage {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(refName, "refName");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(layerDigest, "layerDigest");
  }

  /**
   * Writes the layout (creating the directory; files already there are overwritten).
   *
   * @param dir the layout directory
   * @param refName the image's ref name, such as {@code v1}
   * @param text the content of {@code /hello.txt} in the layer
   * @return what was written
   * @throws UncheckedIOException when the files cannot be written
   */
  public static SampleImage write(Path dir, String refName, String text) {
    Objects.requireNonNull(refName, "refName");
    byte[] tar = tarOfOneFile("hello.txt", text.getBytes(StandardCharsets.UTF_8));
    byte[] layer = gzip(tar);
    Digest layerDigest = Digest.sha256(layer);
    Digest diffId = Digest.sha256(tar);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/cat\","
                + "\"/hello.txt\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId
                + "\"]},\"history\":[{\"created_by\":\"fly-registry SampleImage\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.sha256(config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG
                + "\",\"digest\":\""
                + configDigest
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER_GZIP
                + "\",\"digest\":\""
                + layerDigest
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = Digest.sha256(manifest);
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":[{\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"digest\":\""
            + manifestDigest
            + "\",\"size\":"
            + manifest.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
            + jsonEscape(refName)
            + "\"}}]}";
    try {
      Path blobs = dir.resolve("blobs").resolve("sha256");
      Files.createDirectories(blobs);
      Files.write(blobs.resolve(layerDigest.hex()), layer);
      Files.write(blobs.resolve(configDigest.hex()), config);
      Files.write(blobs.resolve(manifestDigest.hex()), manifest);
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      Files.writeString(dir.resolve("index.json"), index);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the OCI layout in " + dir, e);
    }
    return new SampleImage(dir, refName, manifestDigest, manifest.length, layerDigest);
  }

  /** A POSIX ustar archive holding one regular file, mode 0644, dated 1970. */
  private static byte[] tarOfOneFile(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, "00000000000");
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    header[155] = ' ';
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    out.writeBytes(new byte[1024]); // two zero blocks end the archive
    return out.toByteArray();
  }

  private static void put(byte[] block, int offset, String ascii) {
    byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, block, offset, b.length);
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
