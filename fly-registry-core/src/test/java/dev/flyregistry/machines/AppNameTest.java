package dev.flyregistry.machines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.internal.machines.NameGenerator;
import dev.flyregistry.machines.InvalidAppNameException.Rule;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "my-app", "app-1", "0", "a-b-c-1-2-3", "x2"})
  void acceptsDnsLabels(String name) {
    assertThat(AppName.of(name).value()).isEqualTo(name);
    assertThat(AppName.validate(name)).isEqualTo(name);
  }

  @Test
  void acceptsSixtyThreeCharactersAndRejectsSixtyFour() {
    String max = "a".repeat(63);
    assertThat(AppName.of(max).value()).hasSize(63);
    assertThatThrownBy(() -> AppName.of(max + "b"))
        .isInstanceOfSatisfying(
            InvalidAppNameException.class, e -> assertThat(e.rule()).isEqualTo(Rule.TOO_LONG))
        .hasMessageContaining("64 characters")
        .hasMessageContaining("at most 63");
  }

  @Test
  void rejectsEmpty() {
    assertThatThrownBy(() -> AppName.of(""))
        .isInstanceOfSatisfying(
            InvalidAppNameException.class, e -> assertThat(e.rule()).isEqualTo(Rule.EMPTY))
        .hasMessageContaining("empty");
  }

  @Test
  void rejectsUppercaseNamingTheCharacterAndIndex() {
    assertThatThrownBy(() -> AppName.of("my-App"))
        .isInstanceOfSatisfying(
            InvalidAppNameException.class,
            e -> assertThat(e.rule()).isEqualTo(Rule.INVALID_CHARACTER))
        .hasMessageContaining("'A' at index 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"my_app", "my.app", "my app", "app/1", "caf\u00e9"})
  void rejectsCharactersOutsideTheAlphabet(String name) {
    assertThatThrownBy(() -> AppName.of(name))
        .isInstanceOfSatisfying(
            InvalidAppNameException.class,
            e -> assertThat(e.rule()).isEqualTo(Rule.INVALID_CHARACTER))
        .hasMessageContaining("only lowercase letters a-z, digits 0-9 and '-'");
  }

  @Test
  void controlCharactersAreShownEscaped() {
    assertThatThrownBy(() -> AppName.of("a\nb"))
        .isInstanceOf(InvalidAppNameException.class)
        .hasMessageContaining("U+000A at index 1")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-app", "app-", "-"})
  void rejectsLeadingOrTrailingHyphen(String name) {
    assertThatThrownBy(() -> AppName.of(name))
        .isInstanceOfSatisfying(
            InvalidAppNameException.class,
            e -> assertThat(e.rule()).isEqualTo(Rule.LEADING_OR_TRAILING_HYPHEN))
        .hasMessageContaining("must not start or end with '-'");
  }

  @Test
  void isAnIllegalArgumentException() {
    assertThatThrownBy(() -> AppName.of("BAD")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatedNamesAreValidAndShaped() {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      String name = NameGenerator.generate(random);
      assertThat(name).matches("[a-z]+-[a-z]+-[0-9]{3}");
      assertThat(AppName.validate(name)).isEqualTo(name);
    }
  }

  @Test
  void generationFollowsTheInjectedRandom() {
    assertThat(NameGenerator.generate(new Random(42)))
        .isEqualTo(NameGenerator.generate(new Random(42)));
    assertThat(NameGenerator.generate(new Random(1)))
        .isNotEqualTo(NameGenerator.generate(new Random(2)));
  }
}
