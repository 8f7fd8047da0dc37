package dev.flyregistry.graphql.internal;

import dev.flyregistry.graphql.GraphqlError;
import java.util.List;

/** Renders {@code errors[]} for exception messages. */
final class ErrorMessages {
  /** How many errors a message lists before summarising the rest. */
  private static final int MESSAGE_ERRORS = 5;

  private ErrorMessages() {}

  /**
   * @param what the request that failed, such as {@code "GraphQL query (...) to https://..."}
   * @param errors the errors
   * @return {@code what failed with N errors: [CODE] message (at path); ...}
   */
  static String describe(String what, List<GraphqlError> errors) {
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
}
