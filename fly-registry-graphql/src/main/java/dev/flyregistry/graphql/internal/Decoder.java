package dev.flyregistry.graphql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.graphql.AppImage;
import dev.flyregistry.graphql.GraphqlProtocolException;
import dev.flyregistry.graphql.Release;
import dev.flyregistry.graphql.ReleasePage;
import dev.flyregistry.graphql.ReleaseUser;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads typed values out of a response's {@code data}, naming the path of any field that is missing
 * or of the wrong type.
 */
final class Decoder {
  private static final int SHOWN_VALUE_CHARS = 80;

  private final String context;
  private final Scrubber scrubber;

  /**
   * @param context what the response answered, for messages ({@code "GraphQL query (releases of app
   *     'x') to https://..."})
   * @param scrubber removes the token from values quoted in messages
   */
  Decoder(String context, Scrubber scrubber) {
    this.context = context;
    this.scrubber = scrubber;
  }

  GraphqlProtocolException wrong(String path, String expected, JsonNode actual) {
    String shown;
    if (actual == null || actual.isMissingNode()) {
      shown = "missing";
    } else {
      String text = scrubber.scrub(actual.toString());
      shown =
          actual.getNodeType().toString().toLowerCase(Locale.ROOT)
              + " "
              + (text.length() > SHOWN_VALUE_CHARS
                  ? text.substring(0, SHOWN_VALUE_CHARS) + "..."
                  : text);
    }
    return new GraphqlProtocolException(
        "unexpected answer to "
            + context
            + ": "
            + path
            + " must be "
            + expected
            + ", was "
            + shown);
  }

  /** The field as an object, or null when it is null or absent. */
  JsonNode optObject(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw wrong(path + "." + field, "an object", n);
    }
    return n;
  }

  JsonNode object(JsonNode parent, String field, String path) {
    JsonNode n = optObject(parent, field, path);
    if (n == null) {
      throw wrong(path + "." + field, "an object", parent.get(field));
    }
    return n;
  }

  Optional<String> optText(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw wrong(path + "." + field, "a string", n);
    }
    return Optional.of(n.textValue());
  }

  String text(JsonNode parent, String field, String path) {
    return optText(parent, field, path)
        .orElseThrow(() -> wrong(path + "." + field, "a string", parent.get(field)));
  }

  /** An {@code ID}: a string, or an integer the server chose to send as a number. */
  String id(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n != null && n.isIntegralNumber()) {
      return n.asText();
    }
    return text(parent, field, path);
  }

  int integer(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
      throw wrong(path + "." + field, "an Int", n);
    }
    return n.intValue();
  }

  boolean bool(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || !n.isBoolean()) {
      throw wrong(path + "." + field, "a Boolean", n);
    }
    return n.booleanValue();
  }

  /** A {@code BigInt}: a JSON integer or a string of digits, that fits in a non-negative long. */
  long bigIntAsLong(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    BigInteger value = null;
    if (n != null && n.isIntegralNumber()) {
      value = n.bigIntegerValue();
    } else if (n != null && n.isTextual() && n.textValue().trim().matches("-?[0-9]{1,40}")) {
      value = new BigInteger(n.textValue().trim());
    } else if (n != null
        && n.isFloatingPointNumber()
        && n.decimalValue().stripTrailingZeros().scale() <= 0) {
      value = n.decimalValue().toBigIntegerExact();
    }
    if (value == null || value.signum() < 0 || value.bitLength() > 63) {
      throw wrong(path + "." + field, "a non-negative BigInt that fits in a long", n);
    }
    return value.longValue();
  }

  Instant instant(JsonNode parent, String field, String path) {
    String text = text(parent, field, path);
    String s = text.trim();
    if (s.length() > 10 && (s.charAt(10) == ' ' || s.charAt(10) == 't')) {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    s = s.toUpperCase(Locale.ROOT);
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw wrong(path + "." + field, "an ISO 8601 date-time with an offset", parent.get(field));
    }
  }

  /** The JSON scalar: an object or array written as JSON text, or a string holding JSON text. */
  String json(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      throw wrong(path + "." + field, "a JSON value", n);
    }
    return n.isTextual() ? n.textValue() : JsonValues.write(n);
  }

  Release release(JsonNode node, String path) {
    JsonNode userNode = optObject(node, "user", path);
    Optional<ReleaseUser> user =
        userNode == null
            ? Optional.empty()
            : Optional.of(
                new ReleaseUser(
                    id(userNode, "id", path + ".user"),
                    text(userNode, "email", path + ".user"),
                    optText(userNode, "name", path + ".user")));
    return new Release(
        id(node, "id", path),
        integer(node, "version", path),
        text(node, "description", path),
        text(node, "reason", path),
        text(node, "status", path),
        optText(node, "imageRef", path),
        bool(node, "stable", path),
        user,
        instant(node, "createdAt", path));
  }

  List<Release> releaseNodes(JsonNode connection, String path) {
    JsonNode nodes = connection.get("nodes");
    if (nodes == null || nodes.isNull()) {
      return List.of();
    }
    if (!nodes.isArray()) {
      throw wrong(path + ".nodes", "a list", nodes);
    }
    List<Release> out = new ArrayList<>(nodes.size());
    int i = 0;
    for (JsonNode n : nodes) {
      String at = path + ".nodes[" + i++ + "]";
      if (n.isNull()) {
        continue;
      }
      if (!n.isObject()) {
        throw wrong(at, "an object", n);
      }
      out.add(release(n, at));
    }
    return out;
  }

  ReleasePage releasePage(JsonNode connection, String path) {
    List<Release> releases = releaseNodes(connection, path);
    JsonNode pageInfo = object(connection, "pageInfo", path);
    boolean hasNext = bool(pageInfo, "hasNextPage", path + ".pageInfo");
    Optional<String> endCursor = optText(pageInfo, "endCursor", path + ".pageInfo");
    int total = integer(connection, "totalCount", path);
    return new ReleasePage(releases, hasNext, endCursor, total);
  }

  AppImage image(JsonNode node, String path) {
    return new AppImage(
        id(node, "id", path),
        text(node, "digest", path),
        text(node, "ref", path),
        bigIntAsLong(node, "compressedSizeFull", path),
        json(node, "manifest", path));
  }
}
