package dev.flyregistry.graphql;

import dev.flyregistry.FlyException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The GraphQL API answered (HTTP 2xx) with entries in {@code errors[]}. Holds every entry and, when
 * the server resolved part of the query, the partial {@code data}.
 */
public class GraphqlException extends FlyException {
  private static final long serialVersionUID = 1L;

  /** How many errors the message lists before summarising the rest. */
  private static final int MESSAGE_ERRORS = 5;

  private final transient List<GraphqlError> errors;
  private final transient Map<String, Object> partialData;
  private final String partialDataJson;

  /**
   * Creates the exception.
   *
   * @param message what failed, free of secrets
   * @param errors every entry of {@code errors[]}
   * @param partialData the partial {@code data} as plain Java values, or null when there was none
   * @param partialDataJson the partial {@code data} as JSON text, or null when there was none
   */
  public GraphqlException(
      String message,
      List<GraphqlError> errors,
      Map<String, Object> partialData,
      String partialDataJson) {
    super(message);
    this.errors = List.copyOf(errors);
    this.partialData = partialData;
    this.partialDataJson = partialDataJson;
  }

  /**
   * Renders a message listing the first few errors.
   *
   * @param what the request that failed, such as {@code "GraphQL request to https://..."}
   * @param errors the errors
   * @return {@code what failed with N errors: [CODE] message (at path); ...}
   */
  public static String describe(String what, List<GraphqlError> errors) {
    StringBuilder sb = new StringBuilder(what);
    sb.append(" failed with ")
        .append(errors.size())
        .append(errors.size() == 1 ? " error: " : " errors: ");
    for (int i = 0; i < errors.size() && i < MESSAGE_ERRORS; i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(errors.get(i).describe());
    }
    if (errors.size() > MESSAGE_ERRORS) {
      sb.append("; and ").append(errors.size() - MESSAGE_ERRORS).append(" more");
    }
    return sb.toString();
  }

  /**
   * @return every entry of {@code errors[]}, in the server's order
   */
  public List<GraphqlError> errors() {
    return errors;
  }

  /**
   * The fields the server did resolve, as plain Java values ({@code Map}, {@code List}, {@code
   * String}, {@code Long}, {@code Double}, {@code Boolean}, {@code null}).
   *
   * @return the partial {@code data}, empty when the response had none (or {@code null})
   */
  public Optional<Map<String, Object>> partialData() {
    return Optional.ofNullable(partialData);
  }

  /**
   * @return the partial {@code data} as JSON text, empty when the response had none (or {@code
   *     null})
   */
  public Optional<String> partialDataJson() {
    return Optional.ofNullable(partialDataJson);
  }

  /**
   * Whether any error carries the given {@code extensions.code}.
   *
   * @param code such as {@code NOT_FOUND}
   * @return whether one of {@link #errors()} has that code
   */
  public boolean hasCode(String code) {
    return errors.stream().anyMatch(e -> e.code().filter(code::equals).isPresent());
  }
}
