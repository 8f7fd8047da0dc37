package dev.flyregistry.graphql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A successful GraphQL response (no {@code errors[]}), for documents run with {@link
 * GraphqlClient#execute(String, Map)}.
 *
 * @param data the {@code data} object as plain Java values: {@code Map<String, Object>} for
 *     objects, {@code List<Object>} for arrays, {@code String}, {@code Long} (or {@code BigInteger}
 *     when too large), {@code Double}, {@code Boolean} and {@code null}; all unmodifiable
 * @param dataJson the {@code data} object as JSON text
 * @param extensions the response's top-level {@code extensions}, empty when absent
 */
public record GraphqlResponse(
    Map<String, Object> data, String dataJson, Map<String, Object> extensions) {
  /**
   * Validates and copies the components.
   *
   * @param data the {@code data} object as plain Java values: {@code Map<String, Object>} for
   *     objects, {@code List<Object>} for arrays, {@code String}, {@code Long} (or {@code
   *     BigInteger} when too large), {@code Double}, {@code Boolean} and {@code null}; all
   *     unmodifiable
   * @param dataJson the {@code data} object as JSON text
   * @param extensions the response's top-level {@code extensions}, empty when absent
   */
  public GraphqlResponse {
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    Objects.requireNonNull(dataJson, "dataJson");
    extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }
}
