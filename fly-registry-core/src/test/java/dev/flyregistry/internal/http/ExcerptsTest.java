package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExcerptsTest {
  @Test
  void shortTextIsKeptAsIs() {
    assertThat(Excerpts.oneLine("bad gateway", 20)).isEqualTo("bad gateway");
    assertThat(Excerpts.oneLine("", 20)).isEmpty();
    assertThat(Excerpts.oneLine(null, 20)).isEmpty();
  }

  @Test
  void textOfExactlyTheLimitIsNotMarkedAsCut() {
    assertThat(Excerpts.oneLine("x".repeat(10), 10)).isEqualTo("x".repeat(10));
    assertThat(Excerpts.oneLine("x".repeat(10) + " \n\t", 10)).isEqualTo("x".repeat(10));
  }

  @Test
  void longTextIsBoundedAndMarked() {
    assertThat(Excerpts.oneLine("x".repeat(11), 10)).isEqualTo("x".repeat(10) + "...");
    assertThat(Excerpts.oneLine("y".repeat(100_000), 300)).hasSize(303).endsWith("...");
  }

  @Test
  void lineBreaksAndWhiteSpaceRunsBecomeOneSpace() {
    assertThat(
            Excerpts.oneLine(
                "  <html>\r\n\t<p>bad\u2028gateway\u2029now\u000Bok\fdone\u0085x  ", 100))
        .isEqualTo("<html> <p>bad gateway now ok done x");
  }

  @Test
  void controlAndFormattingCharactersBecomeQuestionMarks() {
    assertThat(Excerpts.oneLine("a\u001B[2Jb\u0000c\u0007d\u202Ee\u200Bf\uFEFFg", 100))
        .isEqualTo("a?[2Jb?c?d?e?f?g");
  }

  @Test
  void aSurrogatePairIsNeverCutInHalf() {
    String face = "\uD83D\uDE00";
    assertThat(Excerpts.oneLine("a".repeat(9) + face, 10)).isEqualTo("a".repeat(9) + "...");
    assertThat(Excerpts.oneLine("a".repeat(8) + face, 10)).isEqualTo("a".repeat(8) + face);
    assertThat(Excerpts.oneLine("a".repeat(8) + face + "b", 10))
        .isEqualTo("a".repeat(8) + face + "...");
  }

  @Test
  void unpairedSurrogatesBecomeQuestionMarks() {
    assertThat(Excerpts.oneLine("a\uD83Db\uDE00c", 10)).isEqualTo("a?b?c");
  }

  @Test
  void secretsAreScrubbedFromTheWholeTextBeforeItIsShortened() {
    String secret = "fm2_" + "Q".repeat(40);
    Secrets secrets = Secrets.of(List.of(secret), 4);
    // the secret straddles the limit: a cut before scrubbing would leave its prefix
    String text = "a".repeat(15) + " " + secret + " tail";

    String excerpt = Excerpts.oneLine(text, secrets::scrub, 20);

    assertThat(excerpt).doesNotContain("fm2_").doesNotContain("QQQQ").endsWith("...");
    assertThat(Excerpts.oneLine(secret + "\n" + secret, secrets::scrub, 100))
        .isEqualTo("REDACTED REDACTED");
  }

  @Test
  void randomTextAlwaysGivesOneBoundedWellFormedLine() {
    Random r = new Random(42);
    for (int n = 0; n < 2_000; n++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(60);
      for (int i = 0; i < len; i++) {
        b.append((char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0x10000)));
      }
      int max = 1 + r.nextInt(30);
      String e = Excerpts.oneLine(b.toString(), max);
      String body = e.endsWith("...") ? e.substring(0, e.length() - 3) : e;
      assertThat(body.length()).isLessThanOrEqualTo(max);
      assertThat(e).doesNotContain("\n").doesNotContain("\r");
      for (int i = 0; i < e.length(); i++) {
        char c = e.charAt(i);
        assertThat(Character.isISOControl(c)).isFalse();
        if (Character.isHighSurrogate(c)) {
          assertThat(i + 1 < e.length() && Character.isLowSurrogate(e.charAt(i + 1))).isTrue();
          i++;
        } else {
          assertThat(Character.isLowSurrogate(c)).isFalse();
        }
      }
    }
  }

  @Test
  void refusesANonPositiveLimit() {
    assertThatThrownBy(() -> Excerpts.oneLine("x", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
