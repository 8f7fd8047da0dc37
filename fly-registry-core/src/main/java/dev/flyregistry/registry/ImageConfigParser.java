package dev.flyregistry.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Reads image configuration JSON into {@link ImageConfig}. */
final class ImageConfigParser {
  private static final ObjectMapper JSON = ManifestParser.JSON;

  private ImageConfigParser() {}

  /**
   * @param digest the blob's digest (already verified against the bytes)
   * @param bytes the blob
   * @param where {@code registry/repository}, for messages
   * @throws ImageConfigException when the bytes are not an image configuration
   */
  static ImageConfig parse(
      Digest digest, byte[] bytes, String registry, String repository, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new ImageConfigException(
          "image config "
              + digest
              + " of "
              + where
              + " is not valid JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
          registry,
          repository,
          e);
    }
    if (root == null || !root.isObject()) {
      throw new ImageConfigException(
          "image config " + digest + " of " + where + " is not a JSON object",
          registry,
          repository,
          null);
    }
    String os = text(root, "os").orElse("");
    String architecture = text(root, "architecture").orElse("");
    if (os.isEmpty() || architecture.isEmpty()) {
      throw new ImageConfigException(
          "image config "
              + digest
              + " of "
              + where
              + " lacks \"os\" or \"architecture\" (every image configuration has both)",
          registry,
          repository,
          null);
    }
    Platform platform =
        new Platform(
            os,
            architecture,
            text(root, "variant").filter(v -> !v.isEmpty()),
            text(root, "os.version").filter(v -> !v.isEmpty()),
            strings(root.get("os.features")));
    Optional<Instant> created = text(root, "created").flatMap(ImageConfigParser::instant);
    JsonNode config = root.path("config");
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode labelNode = config.path("Labels");
    if (labelNode.isObject()) {
      for (Map.Entry<String, JsonNode> e : labelNode.properties()) {
        if (e.getValue().isTextual()) {
          labels.put(e.getKey(), e.getValue().asText());
        }
      }
    }
    TreeSet<String> ports = new TreeSet<>();
    JsonNode portNode = config.path("ExposedPorts");
    if (portNode.isObject()) {
      for (Map.Entry<String, JsonNode> e : portNode.properties()) {
        ports.add(e.getKey());
      }
    }
    List<Digest> diffIds = new ArrayList<>();
    for (String id : strings(root.path("rootfs").get("diff_ids"))) {
      try {
        diffIds.add(Digest.parse(id));
      } catch (InvalidDigestException e) {
        throw new ImageConfigException(
            "image config "
                + digest
                + " of "
                + where
                + " lists an invalid diff ID: "
                + e.getMessage(),
            registry,
            repository,
            e);
      }
    }
    return new ImageConfig(
        digest,
        platform,
        created,
        strings(config.get("Entrypoint")),
        strings(config.get("Cmd")),
        strings(config.get("Env")),
        text(config, "WorkingDir").filter(v -> !v.isEmpty()),
        text(config, "User").filter(v -> !v.isEmpty()),
        labels,
        List.copyOf(ports),
        diffIds,
        new String(bytes, StandardCharsets.UTF_8));
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  /** The strings of a JSON array; empty for null, a missing field or another type. */
  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isArray()) {
      for (JsonNode e : node) {
        if (e.isTextual()) {
          out.add(e.asText());
        }
      }
    }
    return out;
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty(); // some builders write other formats; the rest stays usable
    }
  }
}
