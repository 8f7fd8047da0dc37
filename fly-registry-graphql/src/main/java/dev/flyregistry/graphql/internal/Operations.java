package dev.flyregistry.graphql.internal;

/**
 * Tells whether a GraphQL document may change state, so that the transport knows whether it may
 * repeat the request. Deliberately conservative: a document is treated as a mutation when any
 * top-level word is {@code mutation} or {@code subscription}, so a false answer is always safe to
 * retry.
 */
public final class Operations {
  private Operations() {}

  /**
   * @param document a GraphQL document
   * @return whether it holds (or may hold) a mutation or subscription
   */
  public static boolean mayMutate(String document) {
    int depth = 0;
    int i = 0;
    int n = document.length();
    while (i < n) {
      char c = document.charAt(i);
      if (c == '#') {
        while (i < n && document.charAt(i) != '\n' && document.charAt(i) != '\r') {
          i++;
        }
      } else if (c == '"') {
        i = skipString(document, i);
      } else if (c == '{' || c == '(' || c == '[') {
        depth++;
        i++;
      } else if (c == '}' || c == ')' || c == ']') {
        depth = Math.max(0, depth - 1);
        i++;
      } else if (isNameStart(c)) {
        int start = i;
        while (i < n && isNamePart(document.charAt(i))) {
          i++;
        }
        if (depth == 0) {
          String word = document.substring(start, i);
          if (word.equals("mutation") || word.equals("subscription")) {
            return true;
          }
        }
      } else {
        i++;
      }
    }
    return false;
  }

  private static int skipString(String s, int i) {
    int n = s.length();
    if (s.startsWith("\"\"\"", i)) {
      int end = i + 3;
      while (end < n) {
        if (s.startsWith("\\\"\"\"", end)) {
          end += 4;
        } else if (s.startsWith("\"\"\"", end)) {
          return end + 3;
        } else {
          end++;
        }
      }
      return n;
    }
    int end = i + 1;
    while (end < n) {
      char c = s.charAt(end);
      if (c == '\\') {
        end += 2;
      } else if (c == '"' || c == '\n' || c == '\r') {
        return end + 1;
      } else {
        end++;
      }
    }
    return n;
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }
}
