package dev.flyregistry.testkit;

import dev.flyregistry.testkit.internal.FaultEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fault injection: the next requests that match a method and a path get a chosen status, a delay or
 * a dropped connection instead of (or before) their real answer. Faults apply to every surface of
 * the emulator (registry, Machines API, GraphQL and releases) and are matched in the order they
 * were armed; each request takes at most one fault. Thread-safe.
 *
 * <pre>{@code
 * emulator.faults().next(2, "HEAD", "/manifests/").respond(429, "Retry-After", "1");
 * emulator.faults().next(1, "PATCH", "/blobs/uploads/").dropConnection();
 * }</pre>
 */
public final class Faults {
  private final FaultEngine engine;

  Faults(FaultEngine engine) {
    this.engine = engine;
  }

  /**
   * Selects the next {@code n} requests whose method is {@code method} and whose path contains a
   * match of {@code pathRegex} (anchor with {@code ^}/{@code $} to match the whole path; the query
   * is not part of the path).
   *
   * @param n how many requests, at least 1
   * @param method the method ({@code GET}, {@code HEAD}, ...), or {@code *} / null for any
   * @param pathRegex a regular expression searched in the request path
   * @return the selection; finish it with {@link Target#respond}, {@link Target#delay} or {@link
   *     Target#dropConnection}
   */
  public Target next(int n, String method, String pathRegex) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    Objects.requireNonNull(pathRegex, "pathRegex");
    return new Target(n, method, pathRegex);
  }

  /**
   * Like {@link #next(int, String, String)} for a single request.
   *
   * @param method the method, or {@code *} / null for any
   * @param pathRegex a regular expression searched in the request path
   * @return the selection
   */
  public Target next(String method, String pathRegex) {
    return next(1, method, pathRegex);
  }

  /**
   * @return how many more requests the armed faults will affect
   */
  public int pending() {
    return engine.pending();
  }

  /** Disarms every fault. */
  public void clear() {
    engine.clear();
  }

  /** The requests a fault will affect; choose what happens to them. */
  public final class Target {
    private final int n;
    private final String method;
    private final String pathRegex;

    private Target(int n, String method, String pathRegex) {
      this.n = n;
      this.method = method;
      this.pathRegex = pathRegex;
    }

    /**
     * Answers with a status, the given headers and an empty body.
     *
     * @param status the HTTP status, such as 429 or 503
     * @param headers header names and values, alternating ({@code "Retry-After", "2"})
     * @return the armed fault
     */
    public Fault respond(int status, String... headers) {
      return respondWithBody(status, null, null, headers);
    }

    /**
     * Answers with a status, a body and the given headers.
     *
     * @param status the HTTP status
     * @param contentType the body's {@code Content-Type}, or null
     * @param body the body text (UTF-8), or null for none
     * @param headers header names and values, alternating
     * @return the armed fault
     */
    public Fault respondWithBody(int status, String contentType, String body, String... headers) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("HTTP status must be 100-599, was " + status);
      }
      if (headers.length % 2 != 0) {
        throw new IllegalArgumentException(
            "headers must be name/value pairs, got an odd count: " + headers.length);
      }
      List<Map.Entry<String, String>> hs = new ArrayList<>();
      for (int i = 0; i < headers.length; i += 2) {
        hs.add(new AbstractMap.SimpleImmutableEntry<>(headers[i], headers[i + 1]));
      }
      byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
      return arm(new FaultEngine.Respond(status, List.copyOf(hs), contentType, bytes));
    }

    /**
     * Delays the requests, then answers them normally.
     *
     * @param delay how long
     * @return the armed fault
     */
    public Fault delay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative: " + delay);
      }
      return arm(new FaultEngine.Delay(delay));
    }

    /**
     * Closes the connection without an answer (the client sees an I/O error).
     *
     * @return the armed fault
     */
    public Fault dropConnection() {
      return arm(new FaultEngine.Drop());
    }

    private Fault arm(FaultEngine.Action action) {
      return new Fault(engine.arm(n, method, pathRegex, action));
    }
  }

  /** An armed fault: how often it struck and how often it will still strike. */
  public static final class Fault {
    private final FaultEngine.Rule rule;

    Fault(FaultEngine.Rule rule) {
      this.rule = rule;
    }

    /**
     * @return how many more requests it will affect
     */
    public int remaining() {
      return rule.remaining();
    }

    /**
     * @return how many requests it affected so far
     */
    public int hits() {
      return rule.hits();
    }
  }
}
