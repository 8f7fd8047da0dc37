package dev.flyregistry.graphql;

import dev.flyregistry.FlyException;

/**
 * The server's answer was not the GraphQL response the SDK expected: malformed JSON, a body that is
 * not a JSON object, neither {@code data} nor {@code errors}, or a field of the wrong type or
 * missing (the message names the field's path).
 */
public class GraphqlProtocolException extends FlyException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong and where, free of secrets
   */
  public GraphqlProtocolException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong and where, free of secrets
   * @param cause the parse failure
   */
  public GraphqlProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
