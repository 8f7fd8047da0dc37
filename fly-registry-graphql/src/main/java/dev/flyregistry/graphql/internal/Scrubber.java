package dev.flyregistry.graphql.internal;

import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.internal.http.Secrets;
import java.util.ArrayList;
import java.util.List;

/** Replaces the parts of a token with {@code REDACTED} in text that goes into messages. */
public final class Scrubber {
  private static final int MIN_SECRET_LENGTH = 6;

  private final Secrets secrets;

  /**
   * @param token the token whose parts must never be shown
   */
  public Scrubber(FlyToken token) {
    List<String> s = new ArrayList<>();
    s.add(token.apiAuthorization());
    s.add(token.registryPassword());
    s.addAll(token.macaroons());
    s.addAll(token.userTokens());
    this.secrets = Secrets.of(s, MIN_SECRET_LENGTH);
  }

  /**
   * @param text any text, may be null
   * @return the text with every token part replaced by {@code REDACTED}
   */
  public String scrub(String text) {
    return scrubText(text);
  }

  /**
   * @param value a decoded JSON value (maps, lists, strings, numbers, booleans, null)
   * @return the same structure with every string (and map key) scrubbed
   */
  public Object scrubDeep(Object value) {
    if (value instanceof String str) {
      return scrubText(str);
    }
    if (value instanceof java.util.Map<?, ?> map) {
      java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> out.put(scrubText(String.valueOf(k)), scrubDeep(v)));
      return java.util.Collections.unmodifiableMap(out);
    }
    if (value instanceof java.util.List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(scrubDeep(v)));
      return java.util.Collections.unmodifiableList(out);
    }
    return value;
  }

  private String scrubText(String text) {
    return secrets.scrub(text);
  }
}
