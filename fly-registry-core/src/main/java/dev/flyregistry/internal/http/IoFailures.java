package dev.flyregistry.internal.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

/** How the SDK's clients word a network failure in their exceptions' messages. */
public final class IoFailures {
  private IoFailures() {}

  /**
   * The failure in a few words, unscrubbed (callers scrub it as they scrub the rest of the
   * message). A timeout says {@code timeout} whichever mechanism noticed it first: the socket's own
   * read timeout ({@code SocketTimeoutException: Read timed out}), Okio's watchdog ({@code
   * SocketTimeoutException: timeout}) or the call deadline ({@code InterruptedIOException:
   * timeout}), which race when OkHttp arms more than one of them for the same read; the mechanism's
   * own text follows in parentheses when it says more. Any other failure is its class's simple name
   * and its message.
   */
  public static String describe(IOException e) {
    String message = e.getMessage();
    boolean hasMessage = message != null && !message.isEmpty();
    if (isTimeout(e)) {
      return "timeout".equals(message) || !hasMessage ? "timeout" : "timeout (" + message + ")";
    }
    return e.getClass().getSimpleName() + (hasMessage ? ": " + message : "");
  }

  /** Whether {@code e} reports a timeout, not an interruption of the calling thread. */
  static boolean isTimeout(IOException e) {
    return e instanceof SocketTimeoutException
        || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
  }
}
