package dev.flyregistry.internal.registry.source;

import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.MediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds OCI image layouts (directory or in-memory file map) for tests. */
public final class TestLayouts {
  /** One blob. */
  public record Blob(String mediaType, byte[] bytes, Digest digest) {
    /** The descriptor JSON. */
    public String json() {
      return "{\"mediaType\":\""
          + mediaType
          + "\",\"digest\":\""
          + digest
          + "\",\"size\":"
          + bytes.length
          + "}";
    }
  }

  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final List<String> indexEntries = new ArrayList<>();

  /** Adds a blob. */
  public Blob blob(String mediaType, byte[] bytes) {
    Digest d = Digest.sha256(bytes);
    files.put("blobs/sha256/" + d.hex(), bytes);
    return new Blob(mediaType, bytes, d);
  }

  /** Random bytes. */
  public static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Adds an OCI image (config + layers + manifest); returns the manifest blob. */
  public Blob image(String os, String arch, byte[]... layers) {
    Blob config =
        blob(
            MediaTypes.OCI_CONFIG,
            ("{\"architecture\":\""
                    + arch
                    + "\",\"os\":\""
                    + os
                    + "\",\"rootfs\":{\"type\":\"layers\"}}")
                .getBytes(StandardCharsets.UTF_8));
    StringBuilder ls = new StringBuilder();
    for (byte[] l : layers) {
      Blob lb = blob(MediaTypes.OCI_LAYER_GZIP, l);
      ls.append(ls.length() == 0 ? "" : ",").append(lb.json());
    }
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":"
            + config.json()
            + ",\"layers\":["
            + ls
            + "]}";
    return blob(MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds an OCI index of the given image manifests (amd64 then arm64 platforms). */
  public Blob index(Blob... manifests) {
    StringBuilder ms = new StringBuilder();
    String[] arch = {"amd64", "arm64", "s390x", "ppc64le"};
    for (int i = 0; i < manifests.length; i++) {
      Blob m = manifests[i];
      String j = m.json();
      j =
          j.substring(0, j.length() - 1)
              + ",\"platform\":{\"os\":\"linux\",\"architecture\":\""
              + arch[i]
              + "\"}}";
      ms.append(i == 0 ? "" : ",").append(j);
    }
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":["
            + ms
            + "]}";
    return blob(MediaTypes.OCI_INDEX, index.getBytes(StandardCharsets.UTF_8));
  }

  /** Lists a manifest or index in index.json, with a ref name (null for none). */
  public TestLayouts tag(Blob m, String refName) {
    String j = m.json();
    if (refName != null) {
      j =
          j.substring(0, j.length() - 1)
              + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
              + refName
              + "\"}}";
    }
    indexEntries.add(j);
    return this;
  }

  /** Adds or replaces any file. */
  public TestLayouts put(String name, byte[] bytes) {
    files.put(name, bytes);
    return this;
  }

  /** The files of the layout, index.json and oci-layout included. */
  public Map<String, byte[]> files() {
    Map<String, byte[]> all = new LinkedHashMap<>();
    all.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    all.put(
        "index.json",
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_INDEX
                + "\",\"manifests\":["
                + String.join(",", indexEntries)
                + "]}")
            .getBytes(StandardCharsets.UTF_8));
    all.putAll(files);
    return all;
  }

  /** Writes the layout into a directory. */
  public Path writeTo(Path dir) {
    try {
      for (Map.Entry<String, byte[]> e : files().entrySet()) {
        Path p = dir.resolve(e.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, e.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the layout as a tar (an OCI archive, or the newer docker save format). */
  public Path writeTar(Path file, Map<String, byte[]> extra) {
    try {
      TestTar tar = new TestTar();
      for (Map.Entry<String, byte[]> e : files().entrySet()) {
        tar.file(e.getKey(), e.getValue());
      }
      for (Map.Entry<String, byte[]> e : extra.entrySet()) {
        tar.file(e.getKey(), e.getValue());
      }
      return tar.write(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
