package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.testing.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Property-based tests of {@link ImageReference} and {@link Digest} parsing: valid references from
 * the distribution grammar round-trip; noise and near-valid mutations give a parsed reference or
 * the documented exception ({@link InvalidReferenceException}, {@link InvalidDigestException}),
 * nothing else.
 */
class ImageReferenceProperties {
  private static final String HEX = "0123456789abcdef";

  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String TAG_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

  /** A path component: one to three runs of letters and digits joined by separators. */
  static String component(Random r) {
    String a = Samples.chars(r, LOWER_ALNUM, 1, 8);
    String sep = Samples.oneOf(r, ".", "_", "__", "-", "--", "---");
    String b = Samples.chars(r, LOWER_ALNUM, 1, 8);
    return switch (r.nextInt(3)) {
      case 0 -> a;
      case 1 -> a + sep + b;
      default -> a + sep + b + sep + a;
    };
  }

  static String host(Random r) {
    String named =
        Samples.chars(r, LOWER_ALNUM, 1, 10)
            + "."
            + Samples.chars(r, LOWER_ALNUM, 1, 10)
            + "."
            + Samples.oneOf(r, "io", "com", "dev");
    return switch (r.nextInt(5)) {
      case 0 -> "registry.fly.io";
      case 1 -> named;
      case 2 -> named + ":" + Samples.between(r, 1, 65535);
      case 3 -> "127.0.0.1:" + Samples.between(r, 1, 65535);
      default -> "localhost:5000";
    };
  }

  /** A tag: a word character, then up to 127 of letters, digits, '.', '_' and '-'. */
  static String tag(Random r) {
    return Samples.chars(r, TAG_CHARS, 1, 1) + Samples.chars(r, TAG_CHARS + ".-", 0, 127);
  }

  static String digest(Random r) {
    return r.nextBoolean()
        ? "sha256:" + Samples.chars(r, HEX, 64, 64)
        : "sha512:" + Samples.chars(r, HEX, 128, 128);
  }

  static String validReference(Random r) {
    List<String> components = new ArrayList<>();
    for (int n = Samples.between(r, 1, 4); n > 0; n--) {
      components.add(component(r));
    }
    String tag = r.nextInt(10) < 3 ? null : tag(r);
    String digest = r.nextInt(10) < 6 ? null : digest(r);
    return host(r)
        + "/"
        + String.join("/", components)
        + (tag == null ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }

  /** A valid reference with one edit: a character inserted, deleted, replaced, or doubled. */
  static String nearValidReference(Random r) {
    char odd =
        Samples.oneOf(
            r, ':', '@', '/', '.', '-', '_', ' ', '\t', '\n', 'A', 'Z', '%', '#', '?', '\0', 'é',
            '\u202e', '[', ']', '\\', '"');
    return oneEdit(
        r,
        validReference(r),
        10_000,
        odd,
        (s, i) -> s.substring(0, i) + s.substring(i) + s.substring(i));
  }

  @Test
  void validReferencesParseAndRoundTrip() {
    Samples.forAll(
        random -> {
          String input = validReference(random);
          ImageReference ref = ImageReference.parse(input);
          assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
          assertThat(ref.registry()).isNotEmpty();
          assertThat(ref.repository()).isNotEmpty();
        });
  }

  @Test
  void nearValidReferencesParseOrGiveInvalidReferenceException() {
    Samples.forAll(
        random -> {
          String input = nearValidReference(random);
          checkParse(input);
        });
  }

  @Test
  void noiseParsesOrGivesInvalidReferenceException() {
    Samples.forAll(
        random -> {
          String input = Samples.noise(random);
          checkParse(input);
        });
  }

  private static void checkParse(String input) {
    for (boolean docker : new boolean[] {false, true}) {
      ImageReference ref;
      try {
        ref = docker ? ImageReference.parseDocker(input) : ImageReference.parse(input);
      } catch (InvalidReferenceException e) {
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2_000);
        continue;
      }
      // whatever parses must print as something that parses back to the same reference
      assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    }
  }

  /** Found by the properties: the host printed in lower case read back as a Docker Hub name. */
  @Test
  void aHostRecognisableOnlyByItsCapitalsIsRefused() {
    for (String input : List.of("MyHost/app:v1", "localhostA5000/app")) {
      assertThatThrownBy(() -> ImageReference.parseDocker(input))
          .isInstanceOf(InvalidReferenceException.class)
          .hasMessageContaining("lower case");
    }
    assertThat(ImageReference.parse("LOCALHOST/app").registry()).isEqualTo("localhost");
    assertThat(ImageReference.parse("Registry.Fly.IO/app").registry()).isEqualTo("registry.fly.io");
  }

  @Test
  void validDigestsParseAndRoundTrip() {
    Samples.forAll(
        random -> {
          String input = digest(random);
          Digest d = Digest.parse(input);
          assertThat(d.toString()).isEqualTo(input);
        });
  }

  static String nearValidDigest(Random r) {
    return oneEdit(
        r,
        digest(r),
        200,
        Samples.oneOf(r, 'G', 'A', 'F', ':', ' ', '0', 'é', '\n', '-'),
        (s, i) -> s.toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * {@code valid} with one edit at a generated position {@code i}: {@code c} inserted, the
   * character at {@code i} deleted or replaced by {@code c}, or {@code otherEdit} of the string and
   * {@code i}.
   */
  private static String oneEdit(
      Random r, String s, int maxPosition, char c, BiFunction<String, Integer, String> otherEdit) {
    int i = Samples.between(r, 0, maxPosition) % (s.length() + 1);
    return switch (r.nextInt(4)) {
      case 0 -> s.substring(0, i) + c + s.substring(i);
      case 1 -> i < s.length() ? s.substring(0, i) + s.substring(i + 1) : s;
      case 2 -> i < s.length() ? s.substring(0, i) + c + s.substring(i + 1) : s + c;
      default -> otherEdit.apply(s, i);
    };
  }

  @Test
  void nearValidDigestsParseOrGiveInvalidDigestException() {
    Samples.forAll(
        random -> {
          String input = nearValidDigest(random);
          checkDigest(input);
        });
  }

  @Test
  void noiseDigestsGiveInvalidDigestException() {
    Samples.forAll(
        random -> {
          String input = Samples.noise(random);
          checkDigest(input);
        });
  }

  private static void checkDigest(String input) {
    Digest d;
    try {
      d = Digest.parse(input);
    } catch (InvalidDigestException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1_000);
      return;
    }
    assertThat(d.toString()).isEqualTo(input);
    assertThat(d.algorithm()).isIn(Digest.SHA256, Digest.SHA512);
  }
}
