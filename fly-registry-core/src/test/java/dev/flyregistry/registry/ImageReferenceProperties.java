package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.BiFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based tests of {@link ImageReference} and {@link Digest} parsing: valid references from
 * the distribution grammar round-trip; noise and near-valid mutations give a parsed reference or
 * the documented exception ({@link InvalidReferenceException}, {@link InvalidDigestException}),
 * nothing else.
 */
class ImageReferenceProperties {
  private static final String HEX = "0123456789abcdef";

  /** Lower-case letters and digits, 1 to {@code maxLength} of them. */
  private static Arbitrary<String> lowerAlnum(int maxLength) {
    return Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyz0123456789")
        .ofMinLength(1)
        .ofMaxLength(maxLength);
  }

  @Provide
  Arbitrary<String> component() {
    Arbitrary<String> alnum = lowerAlnum(8);
    Arbitrary<String> sep = Arbitraries.of(".", "_", "__", "-", "--", "---");
    return Combinators.combine(alnum, sep, alnum, Arbitraries.integers().between(0, 2))
        .as((a, s, b, n) -> n == 0 ? a : n == 1 ? a + s + b : a + s + b + s + a);
  }

  @Provide
  Arbitrary<String> host() {
    Arbitrary<String> label = lowerAlnum(10);
    Arbitrary<String> named =
        Combinators.combine(label, label, Arbitraries.of("io", "com", "dev"))
            .as((a, b, tld) -> a + "." + b + "." + tld);
    Arbitrary<String> withPort =
        Combinators.combine(named, Arbitraries.integers().between(1, 65535))
            .as((h, p) -> h + ":" + p);
    Arbitrary<String> ip = Arbitraries.integers().between(1, 65535).map(p -> "127.0.0.1:" + p);
    return Arbitraries.oneOf(
        Arbitraries.just("registry.fly.io"),
        named,
        withPort,
        ip,
        Arbitraries.just("localhost:5000"));
  }

  @Provide
  Arbitrary<String> tag() {
    Arbitrary<Character> first =
        Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9').with('_');
    Arbitrary<String> rest =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withCharRange('A', 'Z')
            .withCharRange('0', '9')
            .withChars("._-")
            .ofMaxLength(127);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  @Provide
  Arbitrary<String> digest() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars(HEX).ofLength(64).map(h -> "sha256:" + h),
        Arbitraries.strings().withChars(HEX).ofLength(128).map(h -> "sha512:" + h));
  }

  @Provide
  Arbitrary<String> validReference() {
    Arbitrary<String> repo =
        component().list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    return Combinators.combine(host(), repo, tag().injectNull(0.3), digest().injectNull(0.6))
        .as((h, r, t, d) -> h + "/" + r + (t == null ? "" : ":" + t) + (d == null ? "" : "@" + d))
        .filter(s -> s.length() < 255 + 300);
  }

  /** A valid reference with one edit: a character inserted, deleted, replaced, or doubled. */
  @Provide
  Arbitrary<String> nearValidReference() {
    Arbitrary<Character> odd =
        Arbitraries.of(
            ':', '@', '/', '.', '-', '_', ' ', '\t', '\n', 'A', 'Z', '%', '#', '?', '\0', 'é',
            '\u202e', '[', ']', '\\', '"');
    return oneEdit(
        validReference(),
        10_000,
        odd,
        (s, i) -> s.substring(0, i) + s.substring(i) + s.substring(i));
  }

  @Property(tries = 10_000)
  void validReferencesParseAndRoundTrip(@ForAll("validReference") String input) {
    ImageReference ref = ImageReference.parse(input);
    assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    assertThat(ref.registry()).isNotEmpty();
    assertThat(ref.repository()).isNotEmpty();
  }

  @Property(tries = 10_000)
  void nearValidReferencesParseOrGiveInvalidReferenceException(
      @ForAll("nearValidReference") String input) {
    checkParse(input);
  }

  @Property(tries = 10_000)
  void noiseParsesOrGivesInvalidReferenceException(@ForAll String input) {
    checkParse(input);
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
  @Example
  void aHostRecognisableOnlyByItsCapitalsIsRefused() {
    for (String input : List.of("MyHost/app:v1", "localhostA5000/app")) {
      assertThatThrownBy(() -> ImageReference.parseDocker(input))
          .isInstanceOf(InvalidReferenceException.class)
          .hasMessageContaining("lower case");
    }
    assertThat(ImageReference.parse("LOCALHOST/app").registry()).isEqualTo("localhost");
    assertThat(ImageReference.parse("Registry.Fly.IO/app").registry()).isEqualTo("registry.fly.io");
  }

  @Property(tries = 10_000)
  void validDigestsParseAndRoundTrip(@ForAll("digest") String input) {
    Digest d = Digest.parse(input);
    assertThat(d.toString()).isEqualTo(input);
  }

  @Provide
  Arbitrary<String> nearValidDigest() {
    return oneEdit(
        digest(),
        200,
        Arbitraries.of('G', 'A', 'F', ':', ' ', '0', 'é', '\n', '-'),
        (s, i) -> s.toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * {@code valid} with one edit at a generated position {@code i}: a character of {@code chars}
   * inserted, the character at {@code i} deleted or replaced, or {@code otherEdit} of the string
   * and {@code i}.
   */
  private static Arbitrary<String> oneEdit(
      Arbitrary<String> valid,
      int maxPosition,
      Arbitrary<Character> chars,
      BiFunction<String, Integer, String> otherEdit) {
    return Combinators.combine(
            valid,
            Arbitraries.integers().between(0, maxPosition),
            chars,
            Arbitraries.integers().between(0, 3))
        .as(
            (s, pos, c, kind) -> {
              int i = pos % (s.length() + 1);
              switch (kind) {
                case 0:
                  return s.substring(0, i) + c + s.substring(i);
                case 1:
                  return i < s.length() ? s.substring(0, i) + s.substring(i + 1) : s;
                case 2:
                  return i < s.length() ? s.substring(0, i) + c + s.substring(i + 1) : s + c;
                default:
                  return otherEdit.apply(s, i);
              }
            });
  }

  @Property(tries = 10_000)
  void nearValidDigestsParseOrGiveInvalidDigestException(@ForAll("nearValidDigest") String input) {
    checkDigest(input);
  }

  @Property(tries = 10_000)
  void noiseDigestsGiveInvalidDigestException(@ForAll String input) {
    checkDigest(input);
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
