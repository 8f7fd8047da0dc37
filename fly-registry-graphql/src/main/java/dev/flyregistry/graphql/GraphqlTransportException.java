package dev.flyregistry.graphql;

import dev.flyregistry.FlyException;
import java.util.List;
import java.util.OptionalInt;

/**
 * The GraphQL request did not get a usable answer: a non-2xx HTTP status (with the first bytes of
 * the body) or an I/O error that retries did not overcome.
 */
public class GraphqlTransportException extends FlyException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status, or -1 for an I/O failure. */
  private final int status;

  /** The start of the response body (bounded, free of secrets), empty when there was none. */
  private final String body;

  private final transient List<GraphqlError> errors;

  /**
   * An HTTP error status.
   *
   * @param message what failed, free of secrets
   * @param status the HTTP status
   * @param body the start of the response body (bounded), free of secrets
   * @param errors the {@code errors[]} entries when the body was a GraphQL response, else empty
   */
  public GraphqlTransportException(
      String message, int status, String body, List<GraphqlError> errors) {
    super(message);
    this.status = status;
    this.body = body == null ? "" : body;
    this.errors = List.copyOf(errors);
  }

  /**
   * An I/O failure (no HTTP status).
   *
   * @param message what failed, free of secrets
   * @param cause the I/O error
   */
  public GraphqlTransportException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
    this.body = "";
    this.errors = List.of();
  }

  /**
   * @return the HTTP status, empty when the request failed with an I/O error
   */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /**
   * @return the start of the response body (a few KiB at most), empty for I/O errors
   */
  public String body() {
    return body;
  }

  /**
   * @return the {@code errors[]} entries when the error body was a GraphQL response, else empty
   */
  public List<GraphqlError> errors() {
    return errors == null ? List.of() : errors;
  }
}
