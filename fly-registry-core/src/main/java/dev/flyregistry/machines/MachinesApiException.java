package dev.flyregistry.machines;

import dev.flyregistry.FlyException;
import java.util.Objects;
import java.util.Optional;

/**
 * A Machines API (or release record) request failed: the API answered with an error status, or the
 * answer could not be read. Carries the HTTP status, the API's {@code status} string (such as
 * {@code name_taken}), its {@code error} text and the {@code fly-request-id} header to quote to
 * Fly's support. Subclasses mark the cases callers branch on.
 *
 * <p>Messages never contain the token.
 */
public class MachinesApiException extends FlyException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status, or 0 when no response was received. */
  private final int httpStatus;

  /** The API's {@code status} string, or null. */
  private final String status;

  /** The API's {@code error} text, or null. */
  private final String error;

  /** The {@code fly-request-id} header, or null. */
  private final String requestId;

  /**
   * Creates an exception.
   *
   * @param message what failed and where, free of secrets
   * @param httpStatus the HTTP status, or 0 when no response was received
   * @param status the API's {@code status} string, or null
   * @param error the API's {@code error} text, or null
   * @param requestId the {@code fly-request-id} header, or null
   * @param cause the underlying failure, or null
   */
  public MachinesApiException(
      String message,
      int httpStatus,
      String status,
      String error,
      String requestId,
      Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.httpStatus = httpStatus;
    this.status = status;
    this.error = error;
    this.requestId = requestId;
  }

  /**
   * Copies the details of another exception under a new message (used by the subclasses that refine
   * a generic API error).
   *
   * @param message the new message, free of secrets
   * @param from the generic error
   */
  protected MachinesApiException(String message, MachinesApiException from) {
    this(message, from.httpStatus, from.status, from.error, from.requestId, from);
  }

  /**
   * @return the HTTP status of the failed response, or 0 when no response was received
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * @return the API's {@code status} string ({@code name_taken}, ...), if it sent one
   */
  public Optional<String> status() {
    return Optional.ofNullable(status);
  }

  /**
   * @return the API's {@code error} text, if it sent one (secrets removed)
   */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /**
   * @return the {@code fly-request-id} response header, if present
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
