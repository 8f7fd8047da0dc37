package dev.flyregistry.internal.http;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The credentials a client holds, for scrubbing server text before it goes into a message, a log or
 * an error value: every occurrence is replaced by {@code REDACTED}, longest first (so a whole
 * header value goes before its parts). Values shorter than a minimum are not looked for: they would
 * match ordinary text. Immutable and thread-safe; build one per credential and reuse it.
 */
public final class Secrets {
  /** No secrets: {@link #scrub} returns its input. */
  public static final Secrets NONE = new Secrets(List.of());

  private final List<String> values;

  private Secrets(List<String> values) {
    this.values = values;
  }

  /**
   * @param values the secrets (nulls and duplicates allowed)
   * @param minLength the shortest value looked for
   * @return the scrubber
   */
  public static Secrets of(Collection<String> values, int minLength) {
    List<String> kept =
        values.stream()
            .filter(Objects::nonNull)
            .filter(v -> v.length() >= minLength)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    return kept.isEmpty() ? NONE : new Secrets(kept);
  }

  /**
   * @param text any text, may be null
   * @return the text with every secret replaced by {@code REDACTED}
   */
  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String v : values) {
      out = out.replace(v, "REDACTED");
    }
    return out;
  }

  /**
   * @return how many secrets are looked for
   */
  public int size() {
    return values.size();
  }

  /** Never lists the secrets. */
  @Override
  public String toString() {
    return "Secrets[" + values.size() + "]";
  }
}
