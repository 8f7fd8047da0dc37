package dev.flyregistry.graphql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a GraphQL response's {@code errors[]} array.
 *
 * @param message the error's {@code message} (empty when the server sent none)
 * @param path the {@code path} of the field that failed: {@link String} field names (or aliases)
 *     and {@link Integer} list indexes, outermost first; empty when the error is not tied to a
 *     field
 * @param locations the {@code locations} in the query document the error points at
 * @param extensions the {@code extensions} object as plain Java values ({@code Map}, {@code List},
 *     {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code null}); empty when
 *     absent
 */
public record GraphqlError(
    String message,
    List<Object> path,
    List<GraphqlError.Location> locations,
    Map<String, Object> extensions) {

  /**
   * A position in the query document.
   *
   * @param line 1-based line
   * @param column 1-based column
   */
  public record Location(int line, int column) {}

  /**
   * Validates and copies the components.
   *
   * @param message the error's {@code message} (empty when the server sent none)
   * @param path the {@code path} of the field that failed: {@link String} field names (or aliases)
   *     and {@link Integer} list indexes, outermost first; empty when the error is not tied to a
   *     field
   * @param locations the {@code locations} in the query document the error points at
   * @param extensions the {@code extensions} object as plain Java values ({@code Map}, {@code
   *     List}, {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code null}); empty
   *     when absent
   */
  public GraphqlError {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(path, "path");
    for (Object segment : path) {
      if (!(segment instanceof String) && !(segment instanceof Integer)) {
        throw new IllegalArgumentException(
            "path segments are field names (String) or list indexes (Integer), not " + segment);
      }
    }
    path = List.copyOf(path);
    locations = List.copyOf(locations);
    extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }

  /**
   * Creates an error with only a message.
   *
   * @param message the message
   * @return the error
   */
  public static GraphqlError of(String message) {
    return new GraphqlError(message, List.of(), List.of(), Map.of());
  }

  /**
   * The machine-readable code Fly puts in {@code extensions.code} ({@code NOT_FOUND}, {@code
   * UNAUTHORIZED}, ...).
   *
   * @return the code, if the error carries one as a string
   */
  public Optional<String> code() {
    Object code = extensions.get("code");
    return code instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /**
   * The path rendered the way JavaScript would address it: {@code app.releases.nodes[3].user}.
   *
   * @return the rendered path, empty when there is none
   */
  public String pathString() {
    StringBuilder sb = new StringBuilder();
    for (Object segment : path) {
      if (segment instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(segment);
      }
    }
    return sb.toString();
  }

  /**
   * Whether the path starts with the given field names.
   *
   * @param prefix field names (or aliases), outermost first
   * @return whether {@link #path()} begins with them
   */
  public boolean pathStartsWith(String... prefix) {
    if (prefix.length > path.size()) {
      return false;
    }
    List<Object> head = new ArrayList<>(path.subList(0, prefix.length));
    return head.equals(List.of((Object[]) prefix));
  }

  /**
   * A one-line description: {@code [CODE] message (at path)}.
   *
   * @return the description
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    code().ifPresent(c -> sb.append('[').append(c).append("] "));
    sb.append(message.isEmpty() ? "(no message)" : message);
    if (!path.isEmpty()) {
      sb.append(" (at ").append(pathString()).append(')');
    }
    return sb.toString();
  }
}
