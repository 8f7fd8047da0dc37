package dev.flyregistry.graphql;

import dev.flyregistry.auth.AuthException;
import java.util.List;

/**
 * The GraphQL API rejected the token: HTTP 401, or an error with code {@code UNAUTHORIZED} (or
 * {@code UNAUTHENTICATED}) in {@code errors[]}. The message names where the token came from, never
 * the token.
 */
public class GraphqlAuthException extends AuthException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status: 401, or 200 when the rejection came in {@code errors[]}. */
  private final int status;

  private final transient List<GraphqlError> errors;

  /**
   * Creates the exception.
   *
   * @param message what failed, free of secrets
   * @param status the HTTP status (401, or 200 when the rejection came in {@code errors[]})
   * @param errors the {@code errors[]} entries, empty when there were none
   */
  public GraphqlAuthException(String message, int status, List<GraphqlError> errors) {
    super(message);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  /**
   * @return the HTTP status of the rejecting response
   */
  public int status() {
    return status;
  }

  /**
   * @return the {@code errors[]} entries that carried the rejection, empty for a bare HTTP 401
   */
  public List<GraphqlError> errors() {
    return errors == null ? List.of() : errors;
  }
}
