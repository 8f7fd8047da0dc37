package dev.flyregistry.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.internal.http.RetryAfter;
import dev.flyregistry.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code WWW-Authenticate} and {@code Retry-After} headers as servers might send them: well-formed
 * challenges (several per header, quoted values with commas, escapes, any case) parse to exactly
 * their schemes and parameters; near-valid and random headers never throw. {@code Retry-After}
 * never throws and never gives a negative pause.
 */
class ChallengeProperties {
  private static final String TOKEN_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

  record Spec(String scheme, Map<String, String> params) {}

  static String token(Random r, int max) {
    StringBuilder b = new StringBuilder();
    int n = 1 + r.nextInt(max);
    for (int i = 0; i < n; i++) {
      b.append(TOKEN_CHARS.charAt(r.nextInt(TOKEN_CHARS.length())));
    }
    return b.toString();
  }

  static String value(Random r) {
    String chars = "abcXYZ019 ,;=:/\\\"'.-_@?&{}[]é";
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(30);
    for (int i = 0; i < n; i++) {
      b.append(chars.charAt(r.nextInt(chars.length())));
    }
    return b.toString();
  }

  static List<Spec> specs(Random r) {
    List<Spec> out = new ArrayList<>();
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      Map<String, String> params = new LinkedHashMap<>();
      int p = 1 + r.nextInt(4);
      for (int j = 0; j < p; j++) {
        String name = token(r, 8).toLowerCase(Locale.ROOT);
        params.putIfAbsent(name, value(r));
      }
      out.add(new Spec(r.nextBoolean() ? "Bearer" : token(r, 10), params));
    }
    return out;
  }

  static String render(List<Spec> specs, Random r) {
    StringBuilder b = new StringBuilder();
    for (Spec s : specs) {
      if (b.length() > 0) {
        b.append(r.nextBoolean() ? ", " : ",");
      }
      b.append(s.scheme()).append(' ');
      boolean first = true;
      for (Map.Entry<String, String> e : s.params().entrySet()) {
        if (!first) {
          b.append(r.nextBoolean() ? ", " : ",");
        }
        first = false;
        String name = r.nextBoolean() ? e.getKey().toUpperCase(Locale.ROOT) : e.getKey();
        String v = e.getValue();
        boolean plainToken = !v.isEmpty() && v.chars().allMatch(c -> TOKEN_CHARS.indexOf(c) >= 0);
        b.append(name).append(r.nextInt(4) == 0 ? " = " : "=");
        if (plainToken && r.nextBoolean()) {
          b.append(v);
        } else {
          b.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
      }
    }
    return b.toString();
  }

  @Test
  void wellFormedChallengesParseToTheirSchemesAndParameters() {
    Samples.forAll(
        random -> {
          List<Spec> specs = specs(random);
          String header = render(specs, random);

          List<Challenge> parsed = Challenge.parse(header);

          assertThat(parsed).as(header).hasSize(specs.size());
          for (int i = 0; i < specs.size(); i++) {
            assertThat(parsed.get(i).is(specs.get(i).scheme())).as(header).isTrue();
            assertThat(parsed.get(i).params()).as(header).isEqualTo(specs.get(i).params());
          }
        });
  }

  @Test
  void nearValidChallengesNeverThrow() {
    Samples.forAll(
        random -> {
          String header = render(specs(random), random);
          int i = random.nextInt(header.length() + 1);
          String odd = "\",=\\ \t\u0000é";
          String mutated =
              switch (random.nextInt(3)) {
                case 0 -> header.substring(0, i);
                case 1 ->
                    header.substring(0, i)
                        + odd.charAt(random.nextInt(odd.length()))
                        + header.substring(i);
                default ->
                    i < header.length() ? header.substring(0, i) + header.substring(i + 1) : header;
              };
          List<Challenge> parsed = Challenge.parse(List.of(mutated, header));
          assertThat(parsed).isNotNull();
          // whatever a scrambled challenge gives, the realm and scheme guards see plain strings
          parsed.forEach(c -> assertThat(c.scheme()).isNotNull());
          RegistryTransport.fromChallenges(parsed);
        });
  }

  @Test
  void noiseNeverThrows() {
    Samples.forAll(
        random -> {
          String header = Samples.noise(random);
          List<Challenge> parsed = Challenge.parse(header);
          assertThat(parsed).isNotNull();
          RegistryTransport.fromChallenges(parsed);
        });
  }

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void retryAfterNoiseNeverThrowsNorGoesNegative() {
    Samples.forAll(
        random -> {
          String value = Samples.noise(random);
          Optional<Duration> d = RetryAfter.parse(value, CLOCK);
          d.ifPresent(x -> assertThat(x).isGreaterThanOrEqualTo(Duration.ZERO));
        });
  }

  /** Seconds, an HTTP date (past or future), or either with one odd insertion. */
  static String nearValidRetryAfter(Random r) {
    String v =
        r.nextBoolean()
            ? String.valueOf(
                Samples.oneOf(r, 0L, 1L, Long.MAX_VALUE, Samples.between(r, 0L, Long.MAX_VALUE)))
            : DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(
                    CLOCK.instant().plusSeconds(Samples.between(r, -10_000_000L, 10_000_000L)),
                    ZoneOffset.UTC));
    if (r.nextInt(3) > 0) {
      return v;
    }
    int i = r.nextInt(v.length() + 1);
    return v.substring(0, i)
        + Samples.oneOf(r, "-", " ", "+", "0", "x", ",", "\t", "", "GMT", "99")
        + v.substring(i);
  }

  @Test
  void retryAfterNearValidNeverThrowsNorGoesNegative() {
    Samples.forAll(
        random -> {
          String value = nearValidRetryAfter(random);
          Optional<Duration> d = RetryAfter.parse(value, CLOCK);
          d.ifPresent(x -> assertThat(x).isGreaterThanOrEqualTo(Duration.ZERO));
        });
  }

  @Test
  void retryAfterSecondsAndDatesMeanWhatTheySay() {
    Samples.forAll(
        random -> {
          long seconds = Samples.between(random, 0L, 999_999_999L);
          assertThat(RetryAfter.parse(String.valueOf(seconds), CLOCK))
              .contains(Duration.ofSeconds(seconds));
          String date =
              DateTimeFormatter.RFC_1123_DATE_TIME.format(
                  ZonedDateTime.ofInstant(CLOCK.instant().plusSeconds(seconds), ZoneOffset.UTC));
          assertThat(RetryAfter.parse(date, CLOCK)).contains(Duration.ofSeconds(seconds));
        });
  }
}
