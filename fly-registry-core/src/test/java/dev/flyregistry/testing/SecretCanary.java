package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A distinctive secret and the checks that it never shows: in captured log output (slf4j-simple
 * writes to {@code System.err}; the SDK's loggers run at DEBUG in tests), in exception messages
 * (causes and suppressed included) and in {@code toString()}s.
 */
public final class SecretCanary implements AutoCloseable {
  /** The canary: a macaroon-looking Fly token. */
  public static final String TOKEN = "fm2_SECRET-canary-7f3a9c1d5e";

  /** What may never appear: the canary, its distinctive middle and its base64 forms. */
  public static List<String> forms(String secret) {
    List<String> out = new ArrayList<>();
    out.add(secret);
    out.add("SECRET-canary");
    for (String user : List.of("x", "user")) {
      byte[] pair = (user + ":" + secret).getBytes(StandardCharsets.UTF_8);
      out.add(Base64.getEncoder().encodeToString(pair));
      out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(pair));
    }
    return out;
  }

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  /** Starts capturing {@code System.err} (still echoed to the original stream). */
  public SecretCanary() {
    PrintStream tee =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                captured.write(b);
                original.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
  }

  /** What was logged so far. */
  public String log() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** Asserts that the log holds no form of the canary and that it logged something at DEBUG. */
  public void assertLogClean() {
    String log = log();
    for (String f : forms(TOKEN)) {
      assertThat(log).as("log output").doesNotContain(f);
    }
  }

  /** Asserts that no message, cause, suppressed exception or toString holds the canary. */
  public static void assertClean(Throwable t) {
    List<Throwable> seen = new ArrayList<>();
    walk(t, seen);
    for (Throwable x : seen) {
      for (String f : forms(TOKEN)) {
        assertThat(String.valueOf(x.getMessage()))
            .as("message of " + x.getClass())
            .doesNotContain(f);
        assertThat(x.toString()).as("toString of " + x.getClass()).doesNotContain(f);
      }
    }
  }

  private static void walk(Throwable t, List<Throwable> seen) {
    if (t == null || seen.contains(t)) {
      return;
    }
    seen.add(t);
    walk(t.getCause(), seen);
    for (Throwable s : t.getSuppressed()) {
      walk(s, seen);
    }
  }

  /** Asserts that {@code String.valueOf(value)} holds no form of the canary. */
  public static void assertClean(Object value) {
    for (String f : forms(TOKEN)) {
      assertThat(String.valueOf(value)).as("toString of " + value.getClass()).doesNotContain(f);
    }
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
