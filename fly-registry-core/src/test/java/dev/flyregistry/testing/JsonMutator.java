package dev.flyregistry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Near-valid JSON for property tests: one or a few edits of a valid document, structural (a field
 * dropped, a value replaced by one of another type, an element duplicated) or textual (truncated, a
 * character inserted or removed). Deterministic for a given {@link Random}.
 */
public final class JsonMutator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String ODD_CHARS = "{[\",:}]\\\u0000 9e-";

  private JsonMutator() {}

  /** Applies 1 to 3 edits to {@code json}. */
  public static String mutate(String json, Random r) {
    String out = json;
    int edits = 1 + r.nextInt(3);
    for (int i = 0; i < edits; i++) {
      out = r.nextInt(4) == 0 ? textual(out, r) : structural(out, r);
    }
    return out;
  }

  /** A structural edit, or a textual one when {@code json} does not parse any more. */
  public static String structural(String json, Random r) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      return textual(json, r);
    }
    if (root == null || !root.isContainerNode()) {
      return textual(json, r);
    }
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(r.nextInt(containers.size()));
    if (target instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.get(r.nextInt(names.size()));
      if (r.nextInt(3) == 0) {
        o.remove(name);
      } else {
        o.set(name, oddValue(r));
      }
    } else if (target instanceof ArrayNode a && a.size() > 0) {
      int i = r.nextInt(a.size());
      switch (r.nextInt(3)) {
        case 0 -> a.remove(i);
        case 1 -> a.set(i, oddValue(r));
        default -> a.add(a.get(i).deepCopy());
      }
    } else if (target instanceof ObjectNode o) {
      o.set("x", oddValue(r));
    } else if (target instanceof ArrayNode a) {
      a.add(oddValue(r));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.elements().forEachRemaining(c -> collect(c, out));
    }
  }

  /** A value of a random, often wrong, type. */
  public static JsonNode oddValue(Random r) {
    return switch (r.nextInt(15)) {
      case 14 ->
          F.rawValueNode(new com.fasterxml.jackson.databind.util.RawValue("1e999999999999999999"));
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(r.nextBoolean());
      case 2 -> F.numberNode(r.nextInt());
      case 3 -> F.numberNode(-1L - r.nextInt(1000));
      case 4 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
      case 5 -> F.numberNode(r.nextDouble() * 1e6);
      case 6 -> F.textNode("");
      case 7 -> F.textNode("x".repeat(r.nextInt(3000)));
      case 8 -> F.textNode("sha256:" + "0".repeat(r.nextInt(70)));
      case 9 -> F.arrayNode().add(r.nextInt()).add("s");
      case 10 -> F.objectNode().put("k", "v");
      case 11 -> F.textNode("\u0000\n\u202e\"'<>");
      case 12 -> F.numberNode(Long.MAX_VALUE);
      default -> F.textNode("2026-13-45T99:99:99Z");
    };
  }

  /** Truncates, deletes or inserts a character. */
  public static String textual(String json, Random r) {
    if (json.isEmpty()) {
      return "{";
    }
    int i = r.nextInt(json.length());
    return switch (r.nextInt(4)) {
      case 0 -> json.substring(0, i);
      case 1 -> json.substring(0, i) + json.substring(i + 1);
      case 2 ->
          json.substring(0, i)
              + ODD_CHARS.charAt(r.nextInt(ODD_CHARS.length()))
              + json.substring(i);
      default -> "[".repeat(r.nextInt(200)) + json;
    };
  }
}
