package dev.flyregistry.graphql;

import java.util.Locale;

/**
 * The release statuses Fly is known to report. The API's {@code status} is free text, so {@link
 * Release#status()} keeps the server's string and {@link #UNKNOWN} stands for any value not listed
 * here.
 */
public enum ReleaseStatus {
  /** Created, not yet rolled out. */
  PENDING("pending"),
  /** Rolling out. */
  RUNNING("running"),
  /** Rolled out successfully. */
  COMPLETE("complete"),
  /** The rollout failed. */
  FAILED("failed"),
  /** The rollout was interrupted (for example by a newer deploy). */
  INTERRUPTED("interrupted"),
  /** A status this SDK version does not know; read {@link Release#status()} for the text. */
  UNKNOWN("");

  private final String wireValue;

  ReleaseStatus(String wireValue) {
    this.wireValue = wireValue;
  }

  /**
   * @return the string the API uses ({@code complete}, ...); empty for {@link #UNKNOWN}
   */
  public String wireValue() {
    return wireValue;
  }

  /**
   * Whether the release will not change status any more.
   *
   * @return true for {@link #COMPLETE}, {@link #FAILED} and {@link #INTERRUPTED}
   */
  public boolean isTerminal() {
    return this == COMPLETE || this == FAILED || this == INTERRUPTED;
  }

  /**
   * Maps the API's status text (case-insensitively) to a constant.
   *
   * @param status the text, may be null
   * @return the matching constant, or {@link #UNKNOWN}
   */
  public static ReleaseStatus of(String status) {
    if (status == null) {
      return UNKNOWN;
    }
    String s = status.trim().toLowerCase(Locale.ROOT);
    for (ReleaseStatus value : values()) {
      if (value != UNKNOWN && value.wireValue.equals(s)) {
        return value;
      }
    }
    return UNKNOWN;
  }
}
