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

  private final transient List<GraphqlError> errors;
  private final transient Map<String, Object> partialData;

  /** The partial {@code data} as JSON text, or null when there was none. */
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
   * @return every entry of {@code errors[]}, in the server's order
   */
  public List<GraphqlError> errors() {
    return errors == null ? List.of() : errors;
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
    return errors().stream().anyMatch(e -> e.code().filter(code::equals).isPresent());
  }
}
