package dev.flyregistry.examples.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/** JSON output, indented with three spaces as {@code docker manifest inspect} prints it. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final String INDENT = "   ";

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static JsonNode parse(byte[] raw) {
    try {
      return MAPPER.readTree(raw);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + e.getMessage(), e);
    }
  }

  /** Pretty-prints, keeping the key order of the input. No trailing newline. */
  static String pretty(JsonNode node) {
    StringBuilder b = new StringBuilder();
    write(node, b, "");
    return b.toString();
  }

  private static void write(JsonNode node, StringBuilder b, String indent) {
    if (node.isObject()) {
      if (node.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        b.append(indent).append(INDENT).append(MAPPER.getNodeFactory().textNode(e.getKey()));
        b.append(": ");
        write(e.getValue(), b, indent + INDENT);
        b.append(it.hasNext() ? ",\n" : "\n");
      }
      b.append(indent).append('}');
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        b.append("[]");
        return;
      }
      b.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        b.append(indent).append(INDENT);
        write(node.get(i), b, indent + INDENT);
        b.append(i < node.size() - 1 ? ",\n" : "\n");
      }
      b.append(indent).append(']');
    } else {
      b.append(node.toString());
    }
  }
}
