package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SamplesTest {
  @AfterEach
  void clearReplay() {
    System.clearProperty(Samples.SEED_PROPERTY);
  }

  @Test
  void runsEveryCaseEachWithItsOwnSeed() {
    List<Long> firsts = new ArrayList<>();
    Samples.forAll(500, r -> firsts.add(r.nextLong()));
    assertThat(firsts).hasSize(500);
    assertThat(new HashSet<>(firsts)).hasSize(500);
  }

  @Test
  void aFailureNamesItsCaseAndASeedThatReplaysIt() {
    List<Long> seen = new ArrayList<>();
    AssertionError failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class,
            () ->
                Samples.forAll(
                    1_000,
                    r -> {
                      long v = r.nextLong();
                      seen.add(v);
                      assertThat(v % 7).isNotEqualTo(3);
                    }));
    assertThat(failure.getMessage())
        .contains("property failed on case " + seen.size() + " of 1000");
    assertThat(failure.getCause()).isInstanceOf(AssertionError.class);
    Matcher m =
        Pattern.compile("-Dflyreg\\.samples\\.seed=(0x[0-9a-f]+)").matcher(failure.getMessage());
    assertThat(m.find()).as(failure.getMessage()).isTrue();

    System.setProperty(Samples.SEED_PROPERTY, m.group(1));
    List<Long> replayed = new ArrayList<>();
    assertThatThrownBy(
            () ->
                Samples.forAll(
                    1_000,
                    r -> {
                      long v = r.nextLong();
                      replayed.add(v);
                      assertThat(v % 7).isNotEqualTo(3);
                    }))
        .hasMessageContaining("replayed case");
    assertThat(replayed).containsExactly(seen.get(seen.size() - 1));
  }

  @Test
  void aRuntimeExceptionIsReportedWithItsSeedToo() {
    assertThatThrownBy(
            () ->
                Samples.forAll(
                    3,
                    r -> {
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("case 1 of 3")
        .hasMessageContaining("IllegalStateException: boom")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> Samples.forAll(0, r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    System.setProperty(Samples.SEED_PROPERTY, "zz");
    assertThatThrownBy(() -> Samples.forAll(1, r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flyreg.samples.seed")
        .hasMessageContaining("'zz'");
  }

  @Test
  void seedsParseInHexAndDecimal() {
    assertThat(Samples.parseSeed("0xffffffffffffffff")).isEqualTo(-1L);
    assertThat(Samples.parseSeed("-5")).isEqualTo(-5L);
  }

  @Test
  void generatorsStayInsideTheirBounds() {
    Random r = new Random(42);
    Set<Integer> ints = new HashSet<>();
    boolean sawSurrogate = false;
    boolean sawEmpty = false;
    for (int i = 0; i < 20_000; i++) {
      int v = Samples.between(r, -2, 2);
      assertThat(v).isBetween(-2, 2);
      ints.add(v);
      assertThat(Samples.between(r, 0L, Long.MAX_VALUE)).isNotNegative();
      assertThat(Samples.between(r, -10L, 10L)).isBetween(-10L, 10L);
      String s = Samples.chars(r, "ab", 1, 3);
      assertThat(s).hasSizeBetween(1, 3).matches("[ab]+");
      String noise = Samples.noise(r);
      assertThat(noise.length()).isLessThan(256);
      sawSurrogate |= noise.chars().anyMatch(c -> Character.isSurrogate((char) c));
      sawEmpty |= noise.isEmpty();
      assertThat(Samples.noiseBytes(r).length).isLessThan(256);
      assertThat(Samples.oneOf(r, "x", "y")).isIn("x", "y");
    }
    assertThat(ints).containsExactlyInAnyOrder(-2, -1, 0, 1, 2);
    assertThat(sawSurrogate).isTrue();
    assertThat(sawEmpty).isTrue();
  }
}
