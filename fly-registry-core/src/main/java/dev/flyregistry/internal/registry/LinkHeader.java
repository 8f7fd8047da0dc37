package dev.flyregistry.internal.registry;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads RFC 8288 {@code Link} headers ({@code <url>; rel="next", <url2>; rel=prev}) with a small
 * scanner: URLs may hold commas and semicolons, {@code rel} may be quoted or not and may list
 * several relation types.
 */
public final class LinkHeader {
  private LinkHeader() {}

  /** The target of the first link whose relation types include {@code rel}, as written. */
  public static Optional<String> find(List<String> headerValues, String rel) {
    for (String v : headerValues) {
      Optional<String> found = find(v, rel);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  static Optional<String> find(String s, String rel) {
    int pos = 0;
    int n = s.length();
    while (pos < n) {
      while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
        pos++;
      }
      if (pos >= n) {
        break;
      }
      if (s.charAt(pos) != '<') {
        pos = skipLinkValue(s, pos);
        continue;
      }
      int close = s.indexOf('>', pos + 1);
      if (close < 0) {
        break;
      }
      String target = s.substring(pos + 1, close).trim();
      pos = close + 1;
      boolean matches = false;
      // link-params: *( OWS ";" OWS link-param )
      while (true) {
        while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
          pos++;
        }
        if (pos >= n || s.charAt(pos) != ';') {
          break;
        }
        pos++;
        while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
          pos++;
        }
        int nameStart = pos;
        while (pos < n && "=;, \t".indexOf(s.charAt(pos)) < 0) {
          pos++;
        }
        String name = s.substring(nameStart, pos).toLowerCase(Locale.ROOT);
        while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
          pos++;
        }
        String value = "";
        if (pos < n && s.charAt(pos) == '=') {
          pos++;
          while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
            pos++;
          }
          if (pos < n && s.charAt(pos) == '"') {
            StringBuilder b = new StringBuilder();
            pos++;
            while (pos < n && s.charAt(pos) != '"') {
              char c = s.charAt(pos++);
              if (c == '\\' && pos < n) {
                c = s.charAt(pos++);
              }
              b.append(c);
            }
            pos++; // closing quote
            value = b.toString();
          } else {
            int vs = pos;
            while (pos < n && ";, \t".indexOf(s.charAt(pos)) < 0) {
              pos++;
            }
            value = s.substring(vs, pos);
          }
        }
        if (name.equals("rel")) {
          for (String r : value.trim().split("\\s+")) {
            if (r.equalsIgnoreCase(rel)) {
              matches = true;
            }
          }
        }
      }
      if (matches && !target.isEmpty()) {
        return Optional.of(target);
      }
      pos = skipLinkValue(s, pos);
    }
    return Optional.empty();
  }

  /** Skips to the comma that ends the current link-value (outside quotes and angle brackets). */
  private static int skipLinkValue(String s, int pos) {
    boolean quoted = false;
    boolean angle = false;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (quoted) {
        if (c == '\\') {
          pos++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (angle) {
        if (c == '>') {
          angle = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        angle = true;
      } else if (c == ',') {
        return pos + 1;
      }
      pos++;
    }
    return pos;
  }
}
