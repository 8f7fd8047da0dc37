package dev.flyregistry.internal.registry.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.ImageSourceException;
import dev.flyregistry.registry.InvalidDigestException;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.ManifestFormatException;
import dev.flyregistry.registry.ManifestIndex;
import dev.flyregistry.registry.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/** Builds {@link ImageSource}s from OCI layouts and {@code docker save} archives. */
public final class Sources {
  /** The annotation naming an image in an OCI layout's {@code index.json}. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** The annotation containerd and Docker write with the image's full name. */
  static final String CONTAINERD_NAME = "io.containerd.image.name";

  /** Uncompressed Docker layer (a {@code docker save} layer tar as it is). */
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  private static final long MAX_JSON = 16L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Sources() {}

  /** See {@link ImageSource#ociLayout(Path, String)}. */
  public static ImageSource ociLayout(Path dir, String refName) {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new ImageSourceException(
          "OCI layout " + dir + ": " + (Files.exists(dir) ? "not a directory" : "does not exist"),
          null);
    }
    Store store = new Store.Dir(dir);
    if (!Files.isRegularFile(dir.resolve("index.json"))) {
      throw new ImageSourceException(
          "OCI layout " + dir + ": no index.json (is this an OCI image layout directory?)", null);
    }
    return fromLayout(store, "OCI layout " + dir, refName);
  }

  /** See {@link ImageSource#dockerArchive(Path, String)}. */
  public static ImageSource dockerArchive(Path tar, String name) {
    Objects.requireNonNull(tar, "tar");
    if (!Files.isRegularFile(tar)) {
      throw new ImageSourceException(
          "image archive "
              + tar
              + ": "
              + (Files.exists(tar) ? "not a regular file" : "does not exist"),
          null);
    }
    TarIndex index;
    try {
      index = TarIndex.scan(tar);
    } catch (IOException e) {
      throw new ImageSourceException("image archive " + tar + ": " + e.getMessage(), e);
    }
    Store store = new Store.Tar(index);
    boolean hasIndex = index.file("index.json").isPresent();
    boolean hasManifest = index.file("manifest.json").isPresent();
    if (!hasIndex && !hasManifest) {
      throw new ImageSourceException(
          "image archive "
              + tar
              + ": neither manifest.json (docker save) nor index.json (OCI layout) in it",
          null);
    }
    if (hasIndex) {
      try {
        return fromLayout(store, "image archive " + tar, name);
      } catch (ImageSourceException e) {
        if (!hasManifest || name == null || e.availableNames().isEmpty()) {
          throw e;
        }
        // the name may be a RepoTag of manifest.json that index.json does not spell the same way
        try {
          return fromDockerManifest(store, tar, name);
        } catch (ImageSourceException second) {
          List<String> all = new ArrayList<>(new LinkedHashSet<>(e.availableNames()));
          for (String n : second.availableNames()) {
            if (!all.contains(n)) {
              all.add(n);
            }
          }
          throw new ImageSourceException(
              "image archive " + tar + ": no image named \"" + name + "\"; it holds " + list(all),
              all,
              null);
        }
      }
    }
    return fromDockerManifest(store, tar, name);
  }

  /** See {@link ImageSource#parse(String)}. */
  public static ImageSource parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.isBlank()) {
      throw new ImageSourceException(
          "image source is empty: give a layout directory or a tar", null);
    }
    Path whole = path(spec);
    if (whole != null && Files.exists(whole)) {
      return of(whole, null);
    }
    // the name may hold colons itself (a docker archive's "repo:tag"): try each split, last first
    for (int colon = spec.lastIndexOf(':'); colon > 0; colon = spec.lastIndexOf(':', colon - 1)) {
      if (colon == spec.length() - 1) {
        continue;
      }
      Path prefix = path(spec.substring(0, colon));
      if (prefix != null && Files.exists(prefix)) {
        return of(prefix, spec.substring(colon + 1));
      }
    }
    throw new ImageSourceException(
        "image source \""
            + spec
            + "\": no such file or directory (expected DIR, DIR:NAME, FILE.tar or FILE.tar:NAME)",
        null);
  }

  private static ImageSource of(Path p, String name) {
    return Files.isDirectory(p) ? ociLayout(p, name) : dockerArchive(p, name);
  }

  private static Path path(String s) {
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static String list(List<String> names) {
    return names.isEmpty() ? "no named images" : String.join(", ", names);
  }

  // ---------------------------------------------------------------- OCI layout

  static ImageSource fromLayout(Store store, String where, String refName) {
    byte[] bytes;
    try {
      bytes = store.read("index.json", MAX_JSON);
    } catch (IOException e) {
      throw new ImageSourceException(where + ": cannot read index.json: " + e.getMessage(), e);
    }
    Manifest parsed;
    try {
      parsed = Manifest.parse(bytes, MediaTypes.OCI_INDEX);
    } catch (ManifestFormatException e) {
      throw new ImageSourceException(where + ": index.json is invalid: " + e.getMessage(), e);
    }
    if (!(parsed instanceof ManifestIndex index)) {
      throw new ImageSourceException(where + ": index.json is not an image index", null);
    }
    List<Descriptor> entries = index.manifests();
    List<String> names = new ArrayList<>();
    for (Descriptor d : entries) {
      String n = d.annotations().get(REF_NAME);
      if (n != null && !names.contains(n)) {
        names.add(n);
      }
    }
    Descriptor chosen = null;
    if (refName == null) {
      // one image saved under several tags (docker save app:v1 app:latest, skopeo copies to two
      // ref names) is listed once per name, always with the same digest: still one image
      boolean oneImage =
          !entries.isEmpty()
              && entries.stream().allMatch(d -> d.digest().equals(entries.get(0).digest()));
      if (oneImage) {
        chosen = entries.get(0);
      } else if (entries.isEmpty()) {
        throw new ImageSourceException(where + ": index.json lists no image", null);
      } else {
        throw new ImageSourceException(
            where
                + ": index.json lists "
                + entries.size()
                + " images; choose one by its "
                + REF_NAME
                + " (DIR:NAME): "
                + list(names),
            names,
            null);
      }
    } else {
      for (Descriptor d : entries) {
        if (refName.equals(d.annotations().get(REF_NAME))) {
          chosen = d;
          break;
        }
      }
      if (chosen == null) {
        for (Descriptor d : entries) {
          String full = d.annotations().get(CONTAINERD_NAME);
          if (full != null && (full.equals(refName) || full.endsWith("/" + refName))) {
            chosen = d;
            break;
          }
        }
      }
      if (chosen == null) {
        throw new ImageSourceException(
            where + ": no image named \"" + refName + "\" in index.json; it holds " + list(names),
            names,
            null);
      }
    }
    if (!MediaTypes.isIndex(chosen.mediaType()) && !MediaTypes.isManifest(chosen.mediaType())) {
      throw new ImageSourceException(
          where
              + ": the chosen entry has media type "
              + chosen.mediaType()
              + ", not an image manifest or index",
          null);
    }
    String description = where + (refName == null ? "" : ", image " + refName);
    Manifest root =
        StoreSource.readManifest(store, chosen, StoreSource.blobPath(chosen.digest()), description);
    return new StoreSource(store, description, root, Map.of());
  }

  // ---------------------------------------------------------------- docker save (legacy)

  private static ImageSource fromDockerManifest(Store store, Path tar, String name) {
    String where = "image archive " + tar;
    JsonNode top = readJson(store, "manifest.json", where);
    if (!top.isArray() || top.isEmpty()) {
      throw new ImageSourceException(where + ": manifest.json is not a non-empty array", null);
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode e : top) {
      for (JsonNode t : e.path("RepoTags")) {
        if (t.isTextual()) {
          tags.add(t.asText());
        }
      }
    }
    JsonNode chosen = null;
    if (name == null) {
      if (top.size() != 1) {
        throw new ImageSourceException(
            where
                + ": manifest.json lists "
                + top.size()
                + " images; choose one (FILE:NAME): "
                + list(tags),
            tags,
            null);
      }
      chosen = top.get(0);
    } else {
      String withTag =
          name.contains(":") && name.lastIndexOf(':') > name.lastIndexOf('/')
              ? name
              : name + ":latest";
      for (JsonNode e : top) {
        for (JsonNode t : e.path("RepoTags")) {
          String tag = t.asText();
          if (tag.equals(name) || tag.equals(withTag) || tag.endsWith("/" + withTag)) {
            chosen = e;
            break;
          }
        }
        if (chosen != null) {
          break;
        }
      }
      if (chosen == null) {
        throw new ImageSourceException(
            where + ": no image tagged \"" + name + "\" in manifest.json; it holds " + list(tags),
            tags,
            null);
      }
    }
    String configName = chosen.path("Config").asText("");
    if (configName.isEmpty()) {
      throw new ImageSourceException(where + ": manifest.json entry has no Config", null);
    }
    byte[] config;
    try {
      config = store.read(configName, MAX_JSON);
    } catch (IOException e) {
      throw new ImageSourceException(
          where + ": cannot read the config " + configName + ": " + e.getMessage(), e);
    }
    JsonNode configJson;
    try {
      configJson = JSON.readTree(config);
    } catch (IOException e) {
      throw new ImageSourceException(where + ": config " + configName + " is not JSON", e);
    }
    JsonNode diffIds = configJson == null ? null : configJson.path("rootfs").path("diff_ids");
    JsonNode layers = chosen.path("Layers");
    if (diffIds == null || !diffIds.isArray() || !layers.isArray()) {
      throw new ImageSourceException(
          where + ": config " + configName + " has no rootfs.diff_ids or manifest.json no Layers",
          null);
    }
    if (diffIds.size() != layers.size()) {
      throw new ImageSourceException(
          where
              + ": manifest.json lists "
              + layers.size()
              + " layers but the config has "
              + diffIds.size()
              + " diff_ids",
          null);
    }
    Map<Digest, String> names = new HashMap<>();
    Digest configDigest = Digest.sha256(config);
    names.put(configDigest, configName);
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    ObjectNode c = m.putObject("config");
    c.put("mediaType", MediaTypes.DOCKER_CONFIG);
    c.put("size", config.length);
    c.put("digest", configDigest.toString());
    ArrayNode ls = m.putArray("layers");
    for (int i = 0; i < layers.size(); i++) {
      String layerName = layers.get(i).asText("");
      OptionalLong size;
      try {
        size = store.size(layerName);
      } catch (IOException e) {
        throw new ImageSourceException(where + ": cannot read layer " + layerName, e);
      }
      if (size.isEmpty()) {
        throw new ImageSourceException(where + ": layer " + layerName + " is missing", null);
      }
      Digest digest;
      String mediaType;
      if (isGzip(store, layerName, where)) {
        // a compressed layer file: its digest is not the diff_id, so hash the file once
        digest = hash(store, layerName, where);
        mediaType = MediaTypes.DOCKER_LAYER_GZIP;
      } else {
        try {
          digest = Digest.parse(diffIds.get(i).asText(""));
        } catch (InvalidDigestException e) {
          throw new ImageSourceException(
              where + ": diff_id " + i + " of the config is not a digest: " + e.getMessage(), e);
        }
        mediaType = DOCKER_LAYER_TAR;
      }
      names.putIfAbsent(digest, layerName); // the same layer twice: either file serves
      ObjectNode l = ls.addObject();
      l.put("mediaType", mediaType);
      l.put("size", size.getAsLong());
      l.put("digest", digest.toString());
    }
    byte[] manifestBytes;
    try {
      manifestBytes = JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new ImageSourceException(where + ": cannot build the manifest", e);
    }
    Manifest root = Manifest.parse(manifestBytes, MediaTypes.DOCKER_MANIFEST);
    String description = where + (name == null ? "" : ", image " + name);
    return new StoreSource(store, description, root, names);
  }

  private static JsonNode readJson(Store store, String name, String where) {
    try {
      byte[] b = store.read(name, MAX_JSON);
      JsonNode n = JSON.readTree(b);
      if (n == null) {
        throw new ImageSourceException(where + ": " + name + " is empty", null);
      }
      return n;
    } catch (IOException e) {
      throw new ImageSourceException(where + ": cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static boolean isGzip(Store store, String name, String where) {
    try (InputStream in = store.open(name)) {
      byte[] magic = in.readNBytes(2);
      return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    } catch (IOException e) {
      throw new ImageSourceException(where + ": cannot read layer " + name, e);
    }
  }

  private static Digest hash(Store store, String name, String where) {
    try (InputStream in = store.open(name)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return Digest.ofHash(Digest.SHA256, md.digest());
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new ImageSourceException(where + ": cannot read layer " + name, e);
    }
  }
}
