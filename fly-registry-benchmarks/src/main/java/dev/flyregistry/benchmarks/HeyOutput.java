package dev.flyregistry.benchmarks;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code hey} printed: requests per second and the count of each status code.
 *
 * @param requestsPerSecond the {@code Requests/sec:} line
 * @param statusCounts {@code [200] 2000 responses} lines
 * @param errors the number of requests listed under {@code Error distribution:}
 */
record HeyOutput(double requestsPerSecond, Map<Integer, Long> statusCounts, long errors) {

  private static final Pattern RPS = Pattern.compile("(?m)^\\s*Requests/sec:\\s*([0-9.]+)\\s*$");
  private static final Pattern STATUS =
      Pattern.compile("(?m)^\\s*\\[(\\d{3})\\]\\s+(\\d+)\\s+responses");
  private static final Pattern ERROR =
      Pattern.compile("(?m)^\\s*\\[(\\d+)\\]\\s+(?!\\d+\\s+responses)\\S");

  HeyOutput {
    statusCounts = Map.copyOf(statusCounts);
  }

  static HeyOutput parse(String text) {
    Matcher m = RPS.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no 'Requests/sec:' line in hey's output:\n" + text);
    }
    double rps = Double.parseDouble(m.group(1));
    Map<Integer, Long> status = new TreeMap<>();
    Matcher s = STATUS.matcher(text);
    while (s.find()) {
      status.merge(Integer.parseInt(s.group(1)), Long.parseLong(s.group(2)), Long::sum);
    }
    long errors = 0;
    int at = text.indexOf("Error distribution:");
    if (at >= 0) {
      Matcher e = ERROR.matcher(text.substring(at));
      while (e.find()) {
        errors += Long.parseLong(e.group(1));
      }
    }
    return new HeyOutput(rps, status, errors);
  }

  long responses(int status) {
    return statusCounts.getOrDefault(status, 0L);
  }

  long totalResponses() {
    return statusCounts.values().stream().mapToLong(Long::longValue).sum();
  }
}
