package dev.flyregistry.auth;

import java.util.Objects;

/**
 * A docker credential helper ({@code docker-credential-<name>}) named by {@code credHelpers} or
 * {@code credsStore} in {@code config.json} could not give an answer. "Credentials not found" is
 * not an error (the lookup answers empty); a helper that is not installed, fails, hangs or prints
 * something unreadable is.
 */
public class CredentialHelperException extends AuthException {
  private static final long serialVersionUID = 1L;

  /** Why the helper gave no answer. */
  public enum Reason {
    /** No executable {@code docker-credential-<name>} on the search path. */
    NOT_INSTALLED,
    /** The helper did not finish within the timeout (it was killed). */
    TIMED_OUT,
    /** The helper exited with a non-zero status for a reason other than "not found". */
    FAILED,
    /** The helper exited successfully but its output is not the expected JSON. */
    BAD_OUTPUT
  }

  /** The helper's program name. */
  private final String helper;

  /** Why the helper failed. */
  private final Reason reason;

  /**
   * @param helper the helper's program name ({@code docker-credential-pass})
   * @param reason why it gave no answer
   * @param message what went wrong, free of secrets
   * @param cause the underlying failure, or null
   */
  public CredentialHelperException(String helper, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.helper = Objects.requireNonNull(helper, "helper");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * @return the helper's program name, such as {@code docker-credential-pass}
   */
  public String helper() {
    return helper;
  }

  /**
   * @return why the helper gave no answer
   */
  public Reason reason() {
    return reason;
  }
}
