package dev.flyregistry.graphql.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The module's JSON mapper and conversions between Jackson trees and plain Java values. */
public final class JsonValues {
  private JsonValues() {}

  /** Nesting deeper than this in a response is refused (a GraphQL answer is never that deep). */
  private static final int MAX_DEPTH = 200;

  /** Thread-safe, shared. */
  public static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * Converts a tree to unmodifiable plain Java values: {@code Map} (insertion-ordered), {@code
   * List}, {@code String}, {@code Long} or {@code BigInteger}, {@code Double}, {@code Boolean} and
   * {@code null}.
   */
  public static Object toJava(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return Collections.unmodifiableMap(map);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        list.add(toJava(item));
      }
      return Collections.unmodifiableList(list);
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }

  /** Converts an object node to an unmodifiable map (see {@link #toJava(JsonNode)}). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toJavaMap(JsonNode node) {
    return (Map<String, Object>) toJava(node);
  }

  /**
   * Converts a variables map to an object node. Accepts null, strings, numbers, booleans, enums
   * (their name), maps with string keys, collections, arrays of objects, {@link Optional} and
   * values whose {@code toString()} is their JSON string form ({@code Instant}, {@code UUID}, ...
   * only those listed in the message).
   *
   * @throws IllegalArgumentException naming the variable path of an unsupported value
   */
  public static ObjectNode variables(Map<String, ?> variables) {
    ObjectNode node = NODES.objectNode();
    if (variables == null) {
      return node;
    }
    for (Map.Entry<String, ?> e : variables.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException("variable names must not be null");
      }
      node.set(e.getKey(), toNode(e.getValue(), "$" + e.getKey()));
    }
    return node;
  }

  private static JsonNode toNode(Object value, String path) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof Optional<?> o) {
      return toNode(o.orElse(null), path);
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return NODES.numberNode(((Number) value).longValue());
    }
    if (value instanceof BigInteger b) {
      return NODES.numberNode(b);
    }
    if (value instanceof BigDecimal b) {
      return NODES.numberNode(b);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("variable " + path + " is not a finite number: " + d);
      }
      return NODES.numberNode(d);
    }
    if (value instanceof Enum<?> en) {
      return NODES.textNode(en.name());
    }
    if (value instanceof java.time.temporal.TemporalAccessor || value instanceof UUID) {
      return NODES.textNode(value.toString());
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(
              "variable " + path + " has a key that is not a string: " + e.getKey());
        }
        o.set(key, toNode(e.getValue(), path + "." + key));
      }
      return o;
    }
    if (value instanceof Collection<?> c) {
      ArrayNode a = NODES.arrayNode();
      int i = 0;
      for (Object item : c) {
        a.add(toNode(item, path + "[" + i++ + "]"));
      }
      return a;
    }
    if (value instanceof Object[] arr) {
      ArrayNode a = NODES.arrayNode();
      for (int i = 0; i < arr.length; i++) {
        a.add(toNode(arr[i], path + "[" + i + "]"));
      }
      return a;
    }
    throw new IllegalArgumentException(
        "variable "
            + path
            + " has unsupported type "
            + value.getClass().getName()
            + " (use String, Number, Boolean, Enum, java.time values, UUID, Map, Collection,"
            + " Object[] or Optional)");
  }

  /** Serialises a tree compactly. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree built from parsed JSON always serialises.
      throw new IllegalStateException("cannot serialise JSON tree", e);
    }
  }
}
