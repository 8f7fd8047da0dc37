package dev.flyregistry.benchmarks;

import dev.flyregistry.testkit.FlyEmulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Push, copy, GraphQL and cold-start measurements: preparation, one task per round, report. */
final class ExtraMeasurements implements AutoCloseable {
  /** Repositories besides the existence ones that the seeding token may write. */
  static final List<String> REPOSITORIES = List.of("copy-src");

  static final String GRAPHQL_APP = "bench-app";

  private final BenchMain bench;
  private FlyEmulator emulator;
  private String emulatorToken;

  ExtraMeasurements(BenchMain bench) {
    this.bench = bench;
  }

  void prepare(List<BenchMain.Target> targets) {
    Options o = bench.options();
    if (o.runs("graphql")) {
      emulator = FlyEmulator.start();
      emulator.createOrganization("personal");
      emulatorToken = emulator.createToken("personal");
      emulator.createApp("personal", GRAPHQL_APP);
      for (int i = 0; i < o.releases(); i++) {
        emulator.addRelease(GRAPHQL_APP, "registry.fly.io/" + GRAPHQL_APP + ":v" + i, "complete");
      }
      BenchMain.log("emulator: " + o.releases() + " releases of " + GRAPHQL_APP);
    }
  }

  List<Runnable> tasks(int round) {
    List<Runnable> tasks = new ArrayList<>();
    if (emulator != null) {
      tasks.add(() -> graphql(round));
    }
    return tasks;
  }

  private void graphql(int round) {
    BenchMain.WorkerResult r =
        bench.runWorker(
            "graphql-sdk",
            List.of("-Xmx64m"),
            List.of("endpoint=" + emulator.graphqlUrl(), "app=" + GRAPHQL_APP, "warmup=100"),
            Map.of("BENCH_FLY_TOKEN", emulatorToken));
    long n = r.json().path("releases").asLong();
    if (n != bench.options().releases()) {
      throw new IllegalStateException(
          "streamed " + n + " releases, expected " + bench.options().releases());
    }
    double seconds = r.json().path("wallNanos").asDouble() / 1e9;
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("seconds", seconds);
    v.put("releasesPerSecond", n / seconds);
    v.put("cpuSeconds", r.json().path("cpuNanos").asDouble() / 1e9);
    v.put("peakHeapMiB", r.json().path("peakHeapBytes").asDouble() / (1 << 20));
    v.put("maxHeapMiB", r.json().path("maxHeapBytes").asDouble() / (1 << 20));
    bench.add(new Sample(round, "graphql", "emulator", "SDK releases().stream", 0, v));
  }

  @Override
  public void close() {
    if (emulator != null) {
      emulator.close();
    }
  }

  // ------------------------------------------------------------------------ report

  static List<Targets.Outcome> targets(List<Sample> samples, Options options) {
    return List.of();
  }

  static String sections(Report report, List<Sample> samples, Options options, List<String> notes) {
    StringBuilder md = new StringBuilder();
    md.append("## 2. Push\n\n");
    md.append(notMeasured(samples, "push", options, "push"));
    md.append("## 3. Copy between apps\n\n");
    md.append(notMeasured(samples, "copy", options, "copy"));
    md.append("## 4. GraphQL: streaming releases\n\n");
    if (samples.stream().anyMatch(s -> s.measurement().equals("graphql"))) {
      md.append("`GraphqlClient.releases().stream(app)` over ")
          .append(options.releases())
          .append(
              " releases served by `FlyEmulator` (in the harness JVM), default page size, in a worker"
                  + " JVM started with `-Xmx64m`; after a warm-up of 100 releases, the peak heap is the sum of"
                  + " the heap pools' peak usage (an upper bound), reset before the measured stream.\n\n");
      md.append(
          "| client | time (s) | releases/s | CPU (s) | peak heap (MiB) | max heap (MiB) |\n"
              + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
      Predicate<Sample> p = s -> s.measurement().equals("graphql");
      md.append("| SDK releases().stream | ")
          .append(report.stat(p, "seconds", 2))
          .append(" | ")
          .append(report.stat(p, "releasesPerSecond", 0))
          .append(" | ")
          .append(report.stat(p, "cpuSeconds", 2))
          .append(" | ")
          .append(report.stat(p, "peakHeapMiB", 1))
          .append(" | ")
          .append(report.stat(p, "maxHeapMiB", 0))
          .append(" |\n\n");
    } else {
      md.append(notMeasured(samples, "graphql", options, "graphql"));
    }
    md.append("## 5. Cold start\n\n");
    md.append(notMeasured(samples, "cold", options, "cold"));
    return md.toString();
  }

  private static String notMeasured(
      List<Sample> samples, String measurement, Options options, String skipName) {
    if (!options.runs(skipName)) {
      return "Not measured: skipped with `--skip " + skipName + "`.\n\n";
    }
    return "Not measured in this run: see the notes below.\n\n";
  }
}
