package dev.flyregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlocksTest {

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
    assertThat(Options.parse(new String[0]).blockRuns()).isEqualTo(5);
    assertThat(Options.parse(new String[] {"--quick"}).blockRuns()).isEqualTo(1);
    assertThat(Options.parse(new String[] {"--block-runs", "3"}).blockRuns()).isEqualTo(3);
    assertThat(Options.parse(new String[0]).heyConcurrency()).doesNotContain(1);
    assertThatThrownBy(() -> Options.parse(new String[] {"--block-runs", "0"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--block-runs");
  }

  @Test
  void theHarnessReadsTheWorkerProtocolPastOtherOutputOfTheJvm() {
    assertThat(BenchMain.WorkerSession.isProtocol("READY")).isTrue();
    assertThat(BenchMain.WorkerSession.isProtocol("RESULT {\"checks\":2000}")).isTrue();
    // what a Flight Recorder started with BENCH_WORKER_JVM_ARGS prints to stdout
    assertThat(
            BenchMain.WorkerSession.isProtocol(
                "[0.683s][info][jfr,startup] Started recording 1. No limit specified"))
        .isFalse();
  }

  @Test
  void theMixRateIsTheTimeOfOnePresentAndOneMissingCheckHalved() {
    // 1/500 s + 1/1000 s = 3 ms for two checks: 666.7 checks/s
    assertThat(BenchMain.mixRate(500, 1000)).isCloseTo(2000.0 / 3, within(1e-9));
    assertThat(BenchMain.mixRate(800, 800)).isEqualTo(800.0);
  }

  @Test
  void theCeilingIsTheBestHeyConcurrencysRoundFigureOfThatRoundAndModeAlone() {
    List<Sample> samples =
        List.of(
            mix(1, "token", 16, 1000),
            mix(1, "token", 64, 1100),
            mix(1, "token", 1, 1500), // concurrency 1 is not a ceiling concurrency
            mix(2, "token", 64, 1300), // another round
            mix(1, "no auth", 64, 1400), // another mode
            new Sample(
                1, "exists-run", "token", Targets.HEY_MIX, 16, Map.of("checksPerSecond", 9e3)),
            new Sample(1, "exists", "token", "hey present", 64, Map.of("checksPerSecond", 2e3)));
    Sample ceiling = BenchMain.ceiling(samples, 1, "token", Targets.HEY_MIX, List.of(16, 64));
    assertThat(ceiling.concurrency()).isZero();
    assertThat(ceiling.client()).isEqualTo(Targets.HEY_MIX);
    assertThat(ceiling.values()).containsEntry("checksPerSecond", 1100.0);
    assertThat(ceiling.values()).containsEntry("concurrency", 64.0);
    assertThat(BenchMain.ceiling(samples, 3, "token", Targets.HEY_MIX, List.of(16, 64))).isNull();
  }

  private static Sample mix(int round, String mode, int concurrency, double rate) {
    return new Sample(
        round, "exists", mode, Targets.HEY_MIX, concurrency, Map.of("checksPerSecond", rate));
  }
}
