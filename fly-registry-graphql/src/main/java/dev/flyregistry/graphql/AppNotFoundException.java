package dev.flyregistry.graphql;

import java.util.List;
import java.util.Map;

/**
 * The app a query named does not exist, or the token cannot see it: the API answered {@code app:
 * null} or an error with code {@code NOT_FOUND}.
 */
public class AppNotFoundException extends GraphqlException {
  private static final long serialVersionUID = 1L;

  /** The app name that was not found. */
  private final String app;

  /**
   * Creates the exception.
   *
   * @param app the app name the query used
   * @param errors the {@code errors[]} entries that reported it (empty when {@code app} was just
   *     {@code null})
   * @param partialData the partial {@code data}, or null
   * @param partialDataJson the partial {@code data} as JSON, or null
   */
  public AppNotFoundException(
      String app,
      List<GraphqlError> errors,
      Map<String, Object> partialData,
      String partialDataJson) {
    super(message(app, errors), errors, partialData, partialDataJson);
    this.app = app;
  }

  private static String message(String app, List<GraphqlError> errors) {
    String base =
        "Fly app '" + app + "' not found (it does not exist, or the token has no access to it)";
    return errors.isEmpty() ? base : base + ": " + errors.get(0).describe();
  }

  /**
   * @return the app name the query used
   */
  public String app() {
    return app;
  }
}
