package dev.flyregistry.internal.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Parses {@code Retry-After}: delay-seconds or an HTTP date (RFC 9110 section 10.2.3). */
public final class RetryAfter {
  /**
   * RFC 850's date after its day name, obsolete but still to be accepted: {@code Sunday, 06-Nov-94
   * 08:49:37 GMT}. The day name is not checked against the date: the century is only known once the
   * date is read.
   */
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);

  /**
   * ANSI C's {@code asctime()}, obsolete but still to be accepted: {@code Sun Nov 6 08:49:37 1994}.
   */
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private RetryAfter() {}

  /**
   * @param value the header value, may be null
   * @param clock the clock an HTTP date is measured against
   * @return the pause the server asks for (never negative), or empty when absent or unreadable
   */
  public static Optional<Duration> parse(String value, Clock clock) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return Optional.of(Duration.ofSeconds(999_999_999L));
      }
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    Instant now = clock.instant();
    Instant at = httpDate(v, now);
    if (at == null) {
      return Optional.empty();
    }
    Duration d = Duration.between(now, at);
    return Optional.of(d.isNegative() ? Duration.ZERO : d);
  }

  /**
   * An HTTP date in any of the three formats a recipient must accept (RFC 9110 section 5.6.7), or
   * null.
   */
  private static Instant httpDate(String v, Instant now) {
    try {
      return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      // try the obsolete formats
    }
    int comma = v.indexOf(", ");
    try {
      if (comma < 1 || !v.substring(0, comma).chars().allMatch(Character::isLetter)) {
        throw new DateTimeParseException("no day name", v, 0);
      }
      Instant at = LocalDateTime.parse(v.substring(comma + 2), RFC_850).toInstant(ZoneOffset.UTC);
      // a two-digit year that looks more than 50 years ahead is the most recent past such year
      if (at.isAfter(now.atOffset(ZoneOffset.UTC).plusYears(50).toInstant())) {
        at = at.atOffset(ZoneOffset.UTC).minusYears(100).toInstant();
      }
      return at;
    } catch (DateTimeParseException e) {
      // try asctime
    }
    try {
      return LocalDateTime.parse(v, ASCTIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
