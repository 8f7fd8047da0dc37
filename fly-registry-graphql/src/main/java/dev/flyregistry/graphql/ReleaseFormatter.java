package dev.flyregistry.graphql;

import dev.flyregistry.graphql.internal.ReleaseJson;
import dev.flyregistry.graphql.internal.TextWidth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Renders releases the way {@code fly releases --image} prints them: an aligned table with the
 * columns {@code VERSION} ({@code v<N>}), {@code STATUS}, {@code DESCRIPTION}, {@code USER} (the
 * email), {@code DATE} and {@code DOCKER IMAGE}, newest version first; or as a JSON array.
 *
 * <p>Dates are either absolute ({@code 2026-11-27T22:17:36Z}, the default) or relative to a clock
 * ({@code 5m ago}, as flyctl shows them). Columns are aligned by the terminal columns text takes,
 * so wide characters (CJK, most emoji) count two and combining marks none. {@link
 * #withImageColumn(boolean) withImageColumn(false)} leaves out {@code DOCKER IMAGE}, as plain
 * {@code fly releases} does. Immutable and thread-safe.
 *
 * <pre>{@code
 * System.out.print(ReleaseFormatter.absoluteDates().table(client.releases().list("my-app", 25)));
 * }</pre>
 */
public final class ReleaseFormatter {
  /** The table's column headers, in order. */
  public static final List<String> COLUMNS =
      List.of("VERSION", "STATUS", "DESCRIPTION", "USER", "DATE", "DOCKER IMAGE");

  private static final String GAP = "   ";

  /** Runs of control characters (line breaks, tabs, escapes) and line or paragraph separators. */
  private static final Pattern CONTROLS = Pattern.compile("[\\p{Cc}\\u2028\\u2029]+");

  /** Bidirectional embeddings, overrides and isolates: they would reorder the rest of the row. */
  private static final Pattern BIDI_CONTROLS = Pattern.compile("[\\u202A-\\u202E\\u2066-\\u2069]");

  private static final DateTimeFormatter ABSOLUTE =
      DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter OLD_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final Clock clock;
  private final boolean imageColumn;

  private ReleaseFormatter(Clock clock, boolean imageColumn) {
    this.clock = clock;
    this.imageColumn = imageColumn;
  }

  /**
   * A formatter printing dates as UTC instants to the second ({@code 2026-11-27T22:17:36Z}).
   *
   * @return the formatter
   */
  public static ReleaseFormatter absoluteDates() {
    return new ReleaseFormatter(null, true);
  }

  /**
   * A formatter printing dates relative to a clock: {@code 42s ago}, {@code 5m ago}, {@code 3h
   * ago}, {@code 12d ago}, and the date ({@code 2026-01-31}) after 30 days or in the future.
   *
   * @param clock what "now" is
   * @return the formatter
   */
  public static ReleaseFormatter relativeDates(Clock clock) {
    return new ReleaseFormatter(Objects.requireNonNull(clock, "clock"), true);
  }

  /**
   * A formatter like this one whose tables have, or leave out, the last column, {@code DOCKER
   * IMAGE} ({@code fly releases --image} shows it, plain {@code fly releases} does not). Formatters
   * start with it. Does not change {@link #json(Collection)}.
   *
   * @param show whether tables have the image column
   * @return the formatter
   */
  public ReleaseFormatter withImageColumn(boolean show) {
    return show == imageColumn ? this : new ReleaseFormatter(clock, show);
  }

  /**
   * The releases as an aligned text table, header first, newest version first, one line per
   * release, each line ending in {@code \n}. Line breaks, tabs and other control characters
   * (terminal escapes included) inside values print as spaces and bidirectional overrides are
   * dropped, so no value can break the table's lines or columns; absent users and images print as
   * empty cells.
   *
   * @param releases the releases, in any order
   * @return the table
   */
  public String table(Collection<Release> releases) {
    List<Release> sorted = newestFirst(releases);
    List<String> columns = imageColumn ? COLUMNS : COLUMNS.subList(0, COLUMNS.size() - 1);
    List<List<String>> rows = new ArrayList<>(sorted.size() + 1);
    rows.add(columns);
    for (Release r : sorted) {
      List<String> row =
          List.of(
              "v" + r.version(),
              cell(r.status()),
              cell(r.description()),
              cell(r.userEmail().orElse("")),
              date(r.createdAt()),
              cell(r.imageRef().orElse("")));
      rows.add(row.subList(0, columns.size()));
    }
    int[] widths = new int[columns.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], TextWidth.of(row.get(c)));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        String v = row.get(c);
        line.append(v);
        if (c < widths.length - 1) {
          line.append(" ".repeat(widths[c] - TextWidth.of(v))).append(GAP);
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  /**
   * The releases as a pretty-printed JSON array, newest version first. Each object has {@code id},
   * {@code version}, {@code description}, {@code reason}, {@code status}, {@code imageRef} (or
   * {@code null}), {@code stable}, {@code user} ({@code {id, email, name}} or {@code null}) and
   * {@code createdAt} (ISO 8601, UTC).
   *
   * @param releases the releases, in any order
   * @return the JSON text
   */
  public String json(Collection<Release> releases) {
    return ReleaseJson.write(newestFirst(releases));
  }

  private static List<Release> newestFirst(Collection<Release> releases) {
    Objects.requireNonNull(releases, "releases");
    List<Release> sorted = new ArrayList<>(releases);
    sorted.sort(Comparator.comparingInt(Release::version).reversed());
    return sorted;
  }

  private static String cell(String s) {
    return CONTROLS.matcher(BIDI_CONTROLS.matcher(s).replaceAll("")).replaceAll(" ").strip();
  }

  private String date(Instant at) {
    Instant t = at.truncatedTo(ChronoUnit.SECONDS);
    if (clock == null) {
      return ABSOLUTE.format(t);
    }
    Duration ago = Duration.between(t, clock.instant());
    if (ago.isNegative() || ago.toDays() >= 30) {
      return OLD_DATE.format(t);
    }
    if (ago.toMinutes() < 1) {
      return ago.toSeconds() + "s ago";
    }
    if (ago.toHours() < 1) {
      return ago.toMinutes() + "m ago";
    }
    if (ago.toDays() < 1) {
      return ago.toHours() + "h ago";
    }
    return ago.toDays() + "d ago";
  }
}
