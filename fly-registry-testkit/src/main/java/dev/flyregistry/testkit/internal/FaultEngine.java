package dev.flyregistry.testkit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** Armed faults, matched against each request in the order they were armed. */
public final class FaultEngine {

  /** What a matching request gets. */
  public sealed interface Action permits Respond, Delay, Drop {}

  /**
   * An answer instead of the real one.
   *
   * @param status the status
   * @param headers headers to send
   * @param contentType the body's type, or null
   * @param body the body
   */
  public record Respond(
      int status, List<Map.Entry<String, String>> headers, String contentType, byte[] body)
      implements Action {}

  /**
   * A pause before the real answer.
   *
   * @param duration how long
   */
  public record Delay(Duration duration) implements Action {}

  /** The connection is closed without an answer. */
  public record Drop() implements Action {}

  /** One armed fault. */
  public static final class Rule {
    private final String method;
    private final Pattern path;
    private final AtomicInteger remaining;
    private final AtomicInteger hits = new AtomicInteger();
    private final Action action;

    Rule(String method, Pattern path, int times, Action action) {
      this.method = method;
      this.path = path;
      this.remaining = new AtomicInteger(times);
      this.action = action;
    }

    /**
     * @return how many more requests it will affect
     */
    public int remaining() {
      return Math.max(0, remaining.get());
    }

    /**
     * @return how many requests it affected
     */
    public int hits() {
      return hits.get();
    }

    boolean take(String m, String p) {
      if (method != null && !method.equals(m)) {
        return false;
      }
      if (!path.matcher(p).find()) {
        return false;
      }
      while (true) {
        int r = remaining.get();
        if (r <= 0) {
          return false;
        }
        if (remaining.compareAndSet(r, r - 1)) {
          hits.incrementAndGet();
          return true;
        }
      }
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  /**
   * Arms a fault.
   *
   * @param times how many matching requests it affects
   * @param method the method to match, or null / {@code *} for any
   * @param pathRegex a regular expression found in the path
   * @param action what happens
   * @return the rule
   */
  public Rule arm(int times, String method, String pathRegex, Action action) {
    if (times < 1) {
      throw new IllegalArgumentException("a fault must affect at least one request, not " + times);
    }
    String m = method == null || method.equals("*") ? null : method.trim().toUpperCase(Locale.ROOT);
    Rule r = new Rule(m, Pattern.compile(pathRegex), times, action);
    synchronized (rules) {
      rules.add(r);
    }
    return r;
  }

  /**
   * Takes the first armed fault matching the request.
   *
   * @param method the request method
   * @param path the request path
   * @return the action, if a fault matched
   */
  public Optional<Action> match(String method, String path) {
    synchronized (rules) {
      for (Rule r : rules) {
        if (r.take(method, path)) {
          if (r.remaining() == 0) {
            rules.remove(r);
          }
          return Optional.of(r.action);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * @return faults still armed
   */
  public int pending() {
    synchronized (rules) {
      return rules.stream().mapToInt(Rule::remaining).sum();
    }
  }

  /** Disarms every fault. */
  public void clear() {
    synchronized (rules) {
      rules.clear();
    }
  }
}
