package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on text the SDK shows users (exception messages quoting a server). */
public final class TextAssertions {
  private TextAssertions() {}

  /** One line: no control or formatting character, line separator or unpaired surrogate. */
  public static void assertOneCleanLine(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      assertThat(Character.isISOControl(c) || c == '\u2028' || c == '\u2029')
          .as("character %d of %s", i, s)
          .isFalse();
      assertThat(Character.getType(c) == Character.FORMAT).as("character %d of %s", i, s).isFalse();
      if (Character.isHighSurrogate(c)) {
        assertThat(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
            .as("surrogate pair at %d of %s", i, s)
            .isTrue();
        i++;
      } else {
        assertThat(Character.isLowSurrogate(c)).as("character %d of %s", i, s).isFalse();
      }
    }
  }
}
