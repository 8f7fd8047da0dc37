package dev.flyregistry.internal.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1): a
 * scheme followed either by a token68 or by a list of {@code name=value} parameters.
 *
 * <p>{@link #parse(List)} reads every challenge of every header value with a small hand-written
 * scanner (no regular expression over the whole header): several challenges in one value, quoted
 * strings holding commas, escaped quotes and backslashes, token68 values and schemes or parameter
 * names in any case. Malformed parts are skipped up to the next comma; what parses is kept.
 *
 * @param scheme the scheme as sent ("Bearer", "basic", ...); compare with {@link #is(String)}
 * @param params parameters with lower-cased names, first occurrence wins, in header order
 * @param token68 the token68 value, for schemes that use one instead of parameters
 */
public record Challenge(String scheme, Map<String, String> params, Optional<String> token68) {

  /** Copies the parameters. */
  public Challenge {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** Whether this challenge has the given scheme (case-insensitive). */
  public boolean is(String name) {
    return scheme.equalsIgnoreCase(name);
  }

  /** A parameter by (case-insensitive) name. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Parses all challenges of all given {@code WWW-Authenticate} header values, in order. */
  public static List<Challenge> parse(List<String> headerValues) {
    List<Challenge> out = new ArrayList<>();
    for (String v : headerValues) {
      if (v != null) {
        new Scanner(v).challenges(out);
      }
    }
    return List.copyOf(out);
  }

  /** Parses all challenges of one header value. */
  public static List<Challenge> parse(String headerValue) {
    return parse(Collections.singletonList(headerValue));
  }

  /** Finds the first challenge with the given scheme. */
  public static Optional<Challenge> find(List<Challenge> challenges, String scheme) {
    return challenges.stream().filter(c -> c.is(scheme)).findFirst();
  }

  @Override
  public String toString() {
    // Parameters of challenges are public (realm, service, scope); a token68 may not be.
    return "Challenge[" + scheme + " " + params + (token68.isPresent() ? " token68" : "") + "]";
  }

  private static final class Scanner {
    private final String s;
    private int pos;

    Scanner(String s) {
      this.s = s;
    }

    void challenges(List<Challenge> out) {
      while (true) {
        skipListSeparators();
        if (pos >= s.length()) {
          return;
        }
        int start = pos;
        String scheme = token();
        if (scheme.isEmpty()) {
          skipPastComma(); // garbage where a scheme should be
          continue;
        }
        if (pos < s.length() && !isSpace(s.charAt(pos)) && s.charAt(pos) != ',') {
          pos = start;
          skipPastComma();
          continue;
        }
        Map<String, String> params = new LinkedHashMap<>();
        String token68 = null;
        skipSpaces();
        if (pos < s.length() && s.charAt(pos) != ',') {
          token68 = token68OrNull();
          if (token68 == null) {
            params(params);
          }
        }
        out.add(new Challenge(scheme, params, Optional.ofNullable(token68)));
      }
    }

    /**
     * At the first thing after a scheme: a token68 when what follows is not {@code name=value} (a
     * token68 may end in '=' padding, followed by a comma or the end).
     */
    private String token68OrNull() {
      int start = pos;
      while (pos < s.length() && isToken68Char(s.charAt(pos))) {
        pos++;
      }
      int end = pos;
      if (end == start) {
        pos = start;
        return null;
      }
      while (pos < s.length() && s.charAt(pos) == '=') {
        pos++;
      }
      int afterEquals = pos;
      skipSpaces();
      if (afterEquals == end) {
        // no '=' at all: a bare token68 when a comma or the end follows
        if (pos >= s.length() || s.charAt(pos) == ',') {
          return s.substring(start, end);
        }
        pos = start;
        return null;
      }
      if (afterEquals - end >= 2 || pos >= s.length() || s.charAt(pos) == ',') {
        return s.substring(start, afterEquals);
      }
      pos = start; // name=value
      return null;
    }

    private void params(Map<String, String> params) {
      while (true) {
        skipSpaces();
        int start = pos;
        String name = token();
        skipSpaces();
        if (name.isEmpty() || pos >= s.length() || s.charAt(pos) != '=') {
          pos = start;
          skipPastComma();
          return;
        }
        pos++; // '='
        skipSpaces();
        String value;
        if (pos < s.length() && s.charAt(pos) == '"') {
          value = quoted();
          if (value == null) {
            pos = s.length();
            return;
          }
        } else {
          value = token();
        }
        params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
        skipSpaces();
        if (pos >= s.length()) {
          return;
        }
        if (s.charAt(pos) != ',') {
          skipPastComma(); // junk after a value
          pos = rewindToComma();
        }
        // at a comma: another parameter, or the next challenge?
        int mark = pos;
        skipListSeparators();
        int nameStart = pos;
        String next = token();
        skipSpaces();
        if (next.isEmpty() || pos >= s.length() || s.charAt(pos) != '=') {
          pos = mark; // next challenge (or the end)
          return;
        }
        pos = nameStart;
      }
    }

    private int rewindToComma() {
      // skipPastComma leaves pos after the comma; step back onto it so the caller sees it
      return pos > 0 && pos <= s.length() && s.charAt(pos - 1) == ',' ? pos - 1 : pos;
    }

    private String quoted() {
      StringBuilder b = new StringBuilder();
      pos++; // opening quote
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\' && pos < s.length()) {
          c = s.charAt(pos++);
        }
        b.append(c);
      }
      return null; // unterminated
    }

    private String token() {
      int start = pos;
      while (pos < s.length() && isTokenChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    private void skipSpaces() {
      while (pos < s.length() && isSpace(s.charAt(pos))) {
        pos++;
      }
    }

    private void skipListSeparators() {
      while (pos < s.length() && (isSpace(s.charAt(pos)) || s.charAt(pos) == ',')) {
        pos++;
      }
    }

    /** Skips to just after the next comma outside a quoted string. */
    private void skipPastComma() {
      boolean inQuotes = false;
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (inQuotes) {
          if (c == '\\') {
            pos++;
          } else if (c == '"') {
            inQuotes = false;
          }
        } else if (c == '"') {
          inQuotes = true;
        } else if (c == ',') {
          return;
        }
      }
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t';
    }

    private static boolean isTokenChar(char c) {
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
        return true;
      }
      return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isToken68Char(char c) {
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
        return true;
      }
      return "-._~+/".indexOf(c) >= 0;
    }
  }
}
