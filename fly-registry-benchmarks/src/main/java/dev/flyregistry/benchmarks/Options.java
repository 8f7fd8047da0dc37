package dev.flyregistry.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of one harness run.
 *
 * @param quick the short mode (one round, smaller warm-up and sample, 64 MiB push only)
 * @param rounds how many interleaved rounds
 * @param out the report to write
 * @param work scratch directory (reference lists, layouts, worker logs)
 * @param refs how many references the bulk existence check uses (half present)
 * @param skopeoSample how many of them {@code skopeo inspect} checks
 * @param sdkConcurrency concurrencies of the SDK's {@code existsAll}
 * @param jibConcurrency thread pool sizes for jib-core
 * @param heyConcurrency {@code hey -c} values beside 1 (the best one is the ceiling; {@code hey -c
 *     1} runs in the concurrency-1 block)
 * @param blockRuns how many measured runs each existence client has per round and concurrency
 *     (alternated with the other clients of its block)
 * @param warmup checks of one warm-up pass of a worker JVM before the measured run
 * @param warmupPasses the most warm-up passes (they stop once the JIT compiler is quiet)
 * @param pushMiB layer sizes pushed, in MiB
 * @param releases releases the GraphQL measurement streams
 * @param skip measurements not to run ({@code exists}, {@code push}, {@code copy}, {@code graphql},
 *     {@code cold}), clients not to run ({@code hey}, {@code bare}, {@code skopeo}; {@code kid}:
 *     hey's runs with a {@code kid}-only token; {@code wire}: the tcpdump capture of the
 *     concurrency-1 blocks) and modes not to run ({@code noauth}, {@code token})
 * @param flyreg the command that runs the {@code flyreg} CLI (the repository's launcher), or null
 *     to look for it
 * @param flyregPlain the command that runs the CLI's jar with no JVM options ({@code java -jar}),
 *     measured beside the launcher; or null
 * @param workerTimeout when a worker JVM is killed
 * @param banner a line put at the top of the report (for example to mark a development run), or
 *     null
 */
record Options(
    boolean quick,
    int rounds,
    Path out,
    Path work,
    int refs,
    int skopeoSample,
    List<Integer> sdkConcurrency,
    List<Integer> jibConcurrency,
    List<Integer> heyConcurrency,
    int blockRuns,
    int warmup,
    int warmupPasses,
    List<Integer> pushMiB,
    int releases,
    Set<String> skip,
    String flyreg,
    String flyregPlain,
    Duration workerTimeout,
    String banner) {

  static Options parse(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    int rounds = quick ? 1 : 3;
    Path out = Path.of("docs/BENCHMARKS.md");
    Path work = Path.of(System.getProperty("java.io.tmpdir"), "fly-registry-bench");
    int refs =
        quick ? 1000 : 2000; // the 2,000 in full runs; half as many keeps --quick short
    int skopeo = quick ? 10 : 50;
    int warmup = quick ? 500 : 2000;
    int warmupPasses = quick ? 1 : 12;
    int blockRuns = quick ? 1 : 5;
    List<Integer> push = quick ? List.of(64) : List.of(64, 512);
    Set<String> skip = new LinkedHashSet<>();
    String flyreg = null;
    String flyregPlain = null;
    String banner = null;
    // --quick keeps every target computable with fewer client runs
    List<Integer> sdkConcurrency = quick ? List.of(1, 4, 16) : List.of(1, 4, 16, 64);
    List<Integer> jibConcurrency = quick ? List.of(1, 16) : List.of(1, 4, 16);
    List<Integer> heyConcurrency = quick ? List.of(16) : List.of(16, 64);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {}
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--work" -> work = Path.of(value(args, ++i, a));
        case "--refs" -> refs = Integer.parseInt(value(args, ++i, a));
        case "--skopeo-sample" -> skopeo = Integer.parseInt(value(args, ++i, a));
        case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
        case "--warmup-passes" -> warmupPasses = Integer.parseInt(value(args, ++i, a));
        case "--block-runs" -> blockRuns = Integer.parseInt(value(args, ++i, a));
        case "--push-mib" -> push = ints(value(args, ++i, a));
        case "--skip" -> skip.addAll(Arrays.asList(value(args, ++i, a).split(",")));
        case "--flyreg" -> flyreg = value(args, ++i, a);
        case "--flyreg-plain" -> flyregPlain = value(args, ++i, a);
        case "--banner" -> banner = value(args, ++i, a);
        case "--sdk-concurrency" -> sdkConcurrency = ints(value(args, ++i, a));
        case "--jib-concurrency" -> jibConcurrency = ints(value(args, ++i, a));
        case "--hey-concurrency" -> heyConcurrency = ints(value(args, ++i, a));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (rounds < 1
        || blockRuns < 1
        || refs < 2 * BenchMain.REPOSITORIES
        || refs % (2 * BenchMain.REPOSITORIES) != 0) {
      throw new IllegalArgumentException(
          "--rounds and --block-runs must be >= 1 and --refs a multiple of "
              + 2 * BenchMain.REPOSITORIES);
    }
    return new Options(
        quick,
        rounds,
        out,
        work,
        refs,
        skopeo,
        sdkConcurrency,
        jibConcurrency,
        heyConcurrency,
        blockRuns,
        warmup,
        warmupPasses,
        push,
        10_000,
        skip,
        flyreg,
        flyregPlain,
        Duration.ofMinutes(10),
        banner);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (s.isBlank()) {
        continue;
      }
      out.add(Integer.parseInt(s.trim()));
    }
    return List.copyOf(out);
  }

  boolean runs(String measurement) {
    return !skip.contains(measurement);
  }
}
