package dev.flyregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConcurrencyOneTest {

  @Test
  void aRoundsFigureIsTheMedianOfItsRunsButTheWorstForBoundedCounts() {
    Map<String, Double> round =
        BenchMain.overRuns(
            List.of(
                Map.of("checksPerSecond", 700.0, "sockets", 1.0, "tokenRequests", 10.0),
                Map.of("checksPerSecond", 480.0, "sockets", 2.0, "tokenRequests", 10.0),
                Map.of("checksPerSecond", 650.0, "sockets", 1.0, "tokenRequests", 12.0)));
    assertThat(round)
        .containsEntry("checksPerSecond", 650.0)
        .containsEntry("sockets", 2.0)
        .containsEntry("tokenRequests", 12.0);
  }

  @Test
  void aFullRunAlternatesFiveRunsAndQuickOne() {
    assertThat(Options.parse(new String[0]).concurrencyOneRuns()).isEqualTo(5);
    assertThat(Options.parse(new String[] {"--quick"}).concurrencyOneRuns()).isEqualTo(1);
    assertThat(Options.parse(new String[] {"--c1-runs", "3"}).concurrencyOneRuns()).isEqualTo(3);
    assertThat(Options.parse(new String[0]).heyConcurrency()).doesNotContain(1);
    assertThatThrownBy(() -> Options.parse(new String[] {"--c1-runs", "0"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--c1-runs");
  }
}
