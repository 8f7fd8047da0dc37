package dev.flyregistry.internal.http;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Server text (an error body, a status, a header) made fit for one line of an exception message:
 * runs of white space and line breaks become one space, leading and trailing white space goes,
 * control and formatting characters (terminal escapes, bidirectional overrides, zero-width marks)
 * and unpaired surrogates become {@code ?}, and the result holds at most a given number of
 * characters, then {@link #ELLIPSIS} when something was cut. A cut never splits a surrogate pair.
 *
 * <p>Secrets are scrubbed from the whole text <em>before</em> it is shortened ({@link
 * #oneLine(String, UnaryOperator, int)}), so that a secret longer than the excerpt, or one
 * straddling its end, leaves no prefix behind.
 */
public final class Excerpts {
  /** What follows an excerpt that was cut. */
  public static final String ELLIPSIS = "...";

  private Excerpts() {}

  /**
   * One line of text already scrubbed.
   *
   * @param text the text, may be null (gives "")
   * @param max the most characters kept (UTF-16 units, {@link #ELLIPSIS} not counted), at least 1
   * @return the excerpt
   */
  public static String oneLine(String text, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    if (text == null || text.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(text.length(), max) + ELLIPSIS.length());
    boolean space = false;
    boolean cut = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isSpace(cp)) {
        space = b.length() > 0;
        continue;
      }
      int shown = printable(cp) ? cp : '?';
      int need = (space ? 1 : 0) + Character.charCount(shown);
      if (b.length() + need > max) {
        cut = true;
        break;
      }
      if (space) {
        b.append(' ');
        space = false;
      }
      b.appendCodePoint(shown);
    }
    if (cut) {
      b.append(ELLIPSIS);
    }
    return b.toString();
  }

  /**
   * One line of text that may hold secrets: scrubbed whole first, then shortened.
   *
   * @param text the text, may be null (gives "")
   * @param scrub replaces every secret in a text
   * @param max as in {@link #oneLine(String, int)}
   * @return the excerpt
   */
  public static String oneLine(String text, UnaryOperator<String> scrub, int max) {
    Objects.requireNonNull(scrub, "scrub");
    return text == null ? oneLine(null, max) : oneLine(scrub.apply(text), max);
  }

  /** White space and line breaks, the next-line control included. */
  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }

  /** Not a control or formatting character, nor an unpaired surrogate. */
  private static boolean printable(int cp) {
    int type = Character.getType(cp);
    return !Character.isISOControl(cp) && type != Character.FORMAT && type != Character.SURROGATE;
  }
}
