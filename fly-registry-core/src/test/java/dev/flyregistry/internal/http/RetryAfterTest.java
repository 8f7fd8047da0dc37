package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void parsesSecondsAndDates() {
    assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", clock)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("Fri, 27 Nov 2026 10:01:00 GMT", clock))
        .contains(Duration.ofMinutes(1));
    assertThat(RetryAfter.parse("Fri, 27 Nov 2026 09:00:00 GMT", clock)).contains(Duration.ZERO);
  }

  @Test
  void parsesTheObsoleteDateFormatsThatRfc9110RequiresRecipientsToAccept() {
    // RFC 850 (two-digit year) and ANSI C asctime() (space-padded day)
    assertThat(RetryAfter.parse("Friday, 27-Nov-26 10:00:30 GMT", clock))
        .contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Fri Nov 27 10:00:45 2026", clock))
        .contains(Duration.ofSeconds(45));
    assertThat(RetryAfter.parse("Tue Dec  1 10:00:00 2026", clock)).contains(Duration.ofDays(4));
    // a two-digit year more than 50 years ahead is in the past century: 2094 -> 1994
    assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", clock)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("Friday, 27-Nov-26 10:00:30 PST", clock)).isEmpty();
  }

  @Test
  void ignoresGarbage() {
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
    assertThat(RetryAfter.parse("", clock)).isEmpty();
    assertThat(RetryAfter.parse("-5", clock)).isEmpty();
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse("99999999999999999999", clock)).isPresent();
  }
}
