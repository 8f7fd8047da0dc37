package dev.flyregistry.graphql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextWidthTest {
  @Test
  void asciiTakesOneColumnPerCharacter() {
    assertThat(TextWidth.of("")).isZero();
    assertThat(TextWidth.of("registry.fly.io/app:v1")).isEqualTo(22);
  }

  @Test
  void wideCharactersTakeTwoColumns() {
    assertThat(TextWidth.of("デプロイ")).isEqualTo(8);
    assertThat(TextWidth.of("配置")).isEqualTo(4);
    assertThat(TextWidth.of("배포")).isEqualTo(4);
    assertThat(TextWidth.of("ＡＢ")).isEqualTo(4);
    assertThat(TextWidth.of("🚀 go")).isEqualTo(5);
    assertThat(TextWidth.of("\uD840\uDC0B")).isEqualTo(2); // a CJK extension B ideograph
  }

  @Test
  void combiningAndFormatCharactersTakeNone() {
    assertThat(TextWidth.of("Cafe\u0301")).isEqualTo(4);
    assertThat(TextWidth.of("a\u200Bb")).isEqualTo(2);
    assertThat(TextWidth.of("\u1100\u1161")).isEqualTo(2); // a Hangul syllable from Jamo
  }

  @Test
  void otherScriptsTakeOneColumnPerCharacter() {
    assertThat(TextWidth.of("Ελληνικά")).isEqualTo(8);
    assertThat(TextWidth.of("Привет")).isEqualTo(6);
    assertThat(TextWidth.of("é")).isEqualTo(1);
  }
}
