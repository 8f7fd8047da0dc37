package dev.flyregistry.benchmarks;

import java.util.Map;

/**
 * One measured run of one client.
 *
 * @param round the round (1-based); clients are compared only within a round
 * @param measurement what was measured ({@code exists}, {@code push}, ...)
 * @param mode the registry's auth mode or another variant ({@code no auth}, {@code token}, ...)
 * @param client who did it ({@code sdk}, {@code jib-core}, {@code skopeo}, {@code hey ...})
 * @param concurrency the client's concurrency, 0 when not applicable
 * @param values the figures, by name
 */
record Sample(
    int round,
    String measurement,
    String mode,
    String client,
    int concurrency,
    Map<String, Double> values) {
  Sample {
    values = Map.copyOf(values);
  }

  double get(String key) {
    Double v = values.get(key);
    return v == null ? Double.NaN : v;
  }
}
