package dev.flyregistry.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Median with min and max of a few repeated measurements.
 *
 * @param median the median (mean of the middle two for an even count)
 * @param min the smallest value
 * @param max the largest value
 * @param count how many values
 */
record Stats(double median, double min, double max, int count) {

  static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
  }

  /** {@code median (min–max)}, or just the value for a single measurement. */
  String format(int decimals) {
    return format(decimals, "");
  }

  /** {@code median<unit> (min–max<unit>)}. */
  String format(int decimals, String unit) {
    if (count == 1 || min == max) {
      return number(median, decimals) + unit;
    }
    return number(median, decimals)
        + unit
        + " ("
        + number(min, decimals)
        + "–"
        + number(max, decimals)
        + unit
        + ")";
  }

  static String number(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }
}
