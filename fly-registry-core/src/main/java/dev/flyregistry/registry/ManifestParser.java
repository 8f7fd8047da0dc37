package dev.flyregistry.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parses manifest JSON into the {@link Manifest} family, keeping the raw bytes. */
final class ManifestParser {
  /**
   * Strict JSON (duplicate keys refused, nesting bounded); shared with {@link ImageConfigParser}.
   */
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();

  static {
    JSON.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private ManifestParser() {}

  static Manifest parse(byte[] bytes, String contentType) {
    if (bytes == null || bytes.length == 0) {
      throw new ManifestFormatException("manifest is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ManifestFormatException(
          "manifest is not valid JSON: " + e.getOriginalMessage() + locationOf(e), e);
    } catch (IOException e) {
      throw new ManifestFormatException("manifest could not be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ManifestFormatException("manifest must be a JSON object");
    }
    // First: a Docker schema 1 manifest carries no mediaType and would otherwise be refused for
    // its shape; and a number beyond int must not wrap around to 2.
    JsonNode sv = root.get("schemaVersion");
    if (sv == null || !sv.isIntegralNumber()) {
      throw new ManifestFormatException("manifest schemaVersion is missing or not an integer");
    }
    if (!sv.canConvertToInt() || sv.intValue() != 2) {
      throw new ManifestFormatException(
          "manifest schemaVersion "
              + sv.asText()
              + " is not supported (only schema 2 and OCI manifests are; Docker schema 1"
              + " manifests are deprecated and no longer read)");
    }
    int schemaVersion = sv.intValue();
    String declared = text(root, "mediaType", "manifest");
    String header = MediaTypes.essence(contentType);
    boolean headerSpecific = !header.isEmpty() && !isGeneric(header);
    String mediaType;
    if (declared != null) {
      if (headerSpecific && !header.equals(declared)) {
        throw new ManifestFormatException(
            "manifest mediaType \""
                + declared
                + "\" disagrees with the response Content-Type \""
                + header
                + "\"");
      }
      mediaType = declared;
    } else if (headerSpecific) {
      mediaType = header;
    } else if (root.has("manifests")) {
      mediaType = MediaTypes.OCI_INDEX;
    } else if (root.has("config") || root.has("layers")) {
      mediaType = MediaTypes.OCI_MANIFEST;
    } else {
      throw new ManifestFormatException(
          "manifest has no mediaType and neither config/layers nor manifests");
    }
    Map<String, String> annotations = annotations(root, "manifest");
    Descriptor subject = root.has("subject") ? descriptor(root.get("subject"), "subject") : null;
    switch (mediaType) {
      case MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST -> {
        Descriptor config = descriptor(required(root, "config"), "config");
        List<Descriptor> layers = descriptors(root, "layers", true);
        return MediaTypes.OCI_MANIFEST.equals(mediaType)
            ? new OciManifest(mediaType, bytes, schemaVersion, annotations, subject, config, layers)
            : new DockerManifest(
                mediaType, bytes, schemaVersion, annotations, subject, config, layers);
      }
      case MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST -> {
        List<Descriptor> manifests = descriptors(root, "manifests", true);
        return MediaTypes.OCI_INDEX.equals(mediaType)
            ? new OciIndex(mediaType, bytes, schemaVersion, annotations, subject, manifests)
            : new DockerManifestList(
                mediaType, bytes, schemaVersion, annotations, subject, manifests);
      }
      default ->
          throw new ManifestFormatException(
              "unsupported manifest media type \"" + mediaType + "\"");
    }
  }

  private static boolean isGeneric(String type) {
    return type.equals("application/json")
        || type.equals("application/octet-stream")
        || type.equals("text/plain");
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new ManifestFormatException("manifest lacks the required field \"" + field + "\"");
    }
    return v;
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new ManifestFormatException(where + " field \"" + field + "\" must be a string");
    }
    return v.textValue();
  }

  private static List<Descriptor> descriptors(JsonNode root, String field, boolean required) {
    JsonNode arr = root.get(field);
    if (arr == null || arr.isNull()) {
      if (required) {
        throw new ManifestFormatException("manifest lacks the required field \"" + field + "\"");
      }
      return List.of();
    }
    if (!arr.isArray()) {
      throw new ManifestFormatException("manifest field \"" + field + "\" must be an array");
    }
    List<Descriptor> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      out.add(descriptor(arr.get(i), field + "[" + i + "]"));
    }
    return out;
  }

  private static Descriptor descriptor(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new ManifestFormatException(where + " must be a JSON object");
    }
    String mediaType = text(node, "mediaType", where);
    if (mediaType == null) {
      throw new ManifestFormatException(where + " lacks mediaType");
    }
    String digestText = text(node, "digest", where);
    if (digestText == null) {
      throw new ManifestFormatException(where + " lacks digest");
    }
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (InvalidDigestException e) {
      throw new ManifestFormatException(where + " has an invalid digest: " + e.getMessage(), e);
    }
    JsonNode size = node.get("size");
    if (size == null
        || !size.canConvertToLong()
        || !size.isIntegralNumber()
        || size.longValue() < 0) {
      throw new ManifestFormatException(where + " size is missing or not a non-negative integer");
    }
    Optional<Platform> platform = Optional.empty();
    JsonNode p = node.get("platform");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw new ManifestFormatException(where + ".platform must be a JSON object");
      }
      String os = text(p, "os", where + ".platform");
      String arch = text(p, "architecture", where + ".platform");
      if (os == null || arch == null) {
        throw new ManifestFormatException(where + ".platform needs os and architecture");
      }
      List<String> features = new ArrayList<>();
      JsonNode f = p.get("os.features");
      if (f != null && f.isArray()) {
        f.forEach(x -> features.add(x.asText()));
      }
      platform =
          Optional.of(
              new Platform(
                  os,
                  arch,
                  Optional.ofNullable(text(p, "variant", where + ".platform")),
                  Optional.ofNullable(text(p, "os.version", where + ".platform")),
                  features));
    }
    List<String> urls = new ArrayList<>();
    JsonNode u = node.get("urls");
    if (u != null && u.isArray()) {
      u.forEach(x -> urls.add(x.asText()));
    }
    return new Descriptor(
        mediaType,
        digest,
        size.longValue(),
        platform,
        annotations(node, where),
        Optional.ofNullable(text(node, "artifactType", where)),
        urls);
  }

  private static Map<String, String> annotations(JsonNode node, String where) {
    JsonNode a = node.get("annotations");
    if (a == null || a.isNull()) {
      return Map.of();
    }
    if (!a.isObject()) {
      throw new ManifestFormatException(where + " annotations must be a JSON object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    a.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual()) {
                throw new ManifestFormatException(
                    where + " annotation \"" + e.getKey() + "\" must be a string");
              }
              out.put(e.getKey(), e.getValue().textValue());
            });
    return out;
  }
}
