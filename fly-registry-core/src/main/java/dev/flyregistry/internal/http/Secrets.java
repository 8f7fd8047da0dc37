package dev.flyregistry.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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
   * The credential an {@code Authorization} header value carries, for scrubbing what the server
   * that received it answered: the token of {@code Bearer <token>} (any scheme's parameter), and
   * for {@code Basic} also the password its base64 encodes.
   *
   * @param header the header value, may be null
   * @param minLength the shortest value looked for
   * @return the scrubber ({@link #NONE} for null)
   */
  public static Secrets ofAuthorization(String header, int minLength) {
    if (header == null) {
      return NONE;
    }
    List<String> out = new ArrayList<>();
    out.add(header);
    int space = header.indexOf(' ');
    String credential = space < 0 ? header : header.substring(space + 1).trim();
    out.add(credential);
    if (space > 0 && header.regionMatches(true, 0, "Basic", 0, space)) {
      try {
        String pair = new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        out.add(colon < 0 ? pair : pair.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        // not base64: the credential itself is scrubbed
      }
    }
    return of(out, minLength);
  }

  /**
   * @param other more secrets
   * @return a scrubber for these secrets and the other's
   */
  public Secrets and(Secrets other) {
    if (other.values.isEmpty()) {
      return this;
    }
    if (values.isEmpty()) {
      return other;
    }
    List<String> all = new ArrayList<>(values);
    all.addAll(other.values);
    return of(all, 0);
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
