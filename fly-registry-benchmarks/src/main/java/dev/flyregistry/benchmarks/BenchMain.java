package dev.flyregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.OciLayout;
import dev.flyregistry.testing.TestImages;
import dev.flyregistry.testing.TestImages.ImageInfo;
import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TokenIssuer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark harness: starts the registries (Debian's {@code docker-registry} on 127.0.0.1, no
 * auth and token mode with the Java {@link TokenIssuer} in this JVM), seeds them, runs every
 * measurement in rounds with each client in a fresh JVM ({@link Worker}) or as its own process
 * ({@code hey}, {@code skopeo}), and writes the report. Run by {@code bench/run.sh}.
 */
public final class BenchMain {
  static final String ACCEPT =
      "application/vnd.oci.image.index.v1+json, "
          + "application/vnd.docker.distribution.manifest.list.v2+json, "
          + "application/vnd.oci.image.manifest.v1+json, "
          + "application/vnd.docker.distribution.manifest.v2+json";
  static final int REPOSITORIES = 10;
  static final String USER = "testuser";
  static final String PASSWORD = "testpassword";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEY = "hey";

  private final Options options;
  private final List<Sample> samples = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Path work;
  private final Path logs;
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
  private int workerCount;
  private int failures;
  private TokenIssuer issuer;

  /** Whether {@link #startWire} has already said why there is no capture. */
  private boolean wireNoted;

  /** A registry under test and what the clients need to reach it. */
  record Target(
      String mode,
      LocalRegistry registry,
      Path refsFile,
      List<String> refs,
      int present,
      String presentRef,
      String missingRef,
      String heyToken,
      String heyKidToken,
      String seedToken,
      boolean auth) {}

  private BenchMain(Options options) throws IOException {
    this.options = options;
    this.work = Files.createDirectories(options.work());
    this.logs = Files.createDirectories(work.resolve("logs"));
  }

  /**
   * @param args see {@link Options#parse(String[])}
   * @throws Exception when a measurement fails
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    BenchMain bench = new BenchMain(options);
    try {
      bench.run();
    } finally {
      bench.watchdog.shutdownNow();
    }
    if (bench.failures > 0) {
      log(bench.failures + " measurement(s) failed: see the notes in " + options.out());
      System.exit(2);
    }
    System.exit(0);
  }

  private void run() throws Exception {
    Instant started = Instant.now();
    String loadBefore = Machine.loadAverage();
    String source = Machine.sourceRevision(Path.of("."));
    long[] ticks = Machine.cpuTicks();
    log("work directory " + work);
    issuer = TokenIssuer.builder().ttl(Duration.ofMinutes(30)).start();
    try (LocalRegistry noauth = LocalRegistry.startNoAuth();
        LocalRegistry token =
            LocalRegistry.startToken(
                new LocalRegistry.TokenAuth(
                    issuer.realm(), issuer.service(), issuer.issuer(), issuer.certificatePem()))) {
      log("registries: " + noauth + ", " + token);
      OciLayout layout = TestImages.ociLayout(work.resolve("seed-layout"));
      ImageInfo image = layout.addImage("v1", ImageSpec.linux("amd64", "bench\n"));
      List<Target> targets = new ArrayList<>();
      targets.add(seed("no auth", noauth, layout, image, null, null, null));
      String pushToken = issuer.mint(USER, allRepositories("pull", "push"), Duration.ofHours(2));
      String pullToken = issuer.mint(USER, allRepositories("pull"), Duration.ofHours(2));
      // the same pull token without the certificate in its header, for hey only: what verifying
      // the certificate costs the registry on every request (see heyTokens)
      String pullKidToken =
          issuer.mint(
              USER, allRepositories("pull"), Duration.ofHours(2), TokenIssuer.KeyHeader.KID);
      targets.add(seed("token", token, layout, image, pushToken, pullToken, pullKidToken));
      ExtraMeasurements extra = new ExtraMeasurements(this);
      extra.prepare(targets);
      for (int round = 1; round <= options.rounds(); round++) {
        log("round " + round + " of " + options.rounds());
        List<Runnable> tasks = new ArrayList<>();
        for (Target t : options.runs("exists") ? targets : List.<Target>of()) {
          if (!options.runs(t.mode().replace(" ", ""))) {
            continue;
          }
          int r = round;
          // One block per concurrency: its clients' runs alternate (see existsBlock).
          Set<Integer> levels = new TreeSet<>(options.sdkConcurrency());
          levels.addAll(options.jibConcurrency());
          if (options.runs("hey")) {
            levels.addAll(options.heyConcurrency());
          }
          for (int c : levels) {
            tasks.add(() -> existsBlock(r, t, c));
          }
          if (options.runs("skopeo")) {
            tasks.add(() -> skopeoInspect(r, t));
          }
        }
        tasks.addAll(extra.tasks(round));
        // Interleave: each round starts at a different task, so no client always runs first.
        Collections.rotate(tasks, -((round - 1) * 3 % tasks.size()));
        for (Runnable task : tasks) {
          try {
            task.run();
          } catch (RuntimeException e) {
            // One failed measurement does not lose the others: it is reported, and the run fails.
            failures++;
            note("A measurement failed in round " + round + ": " + firstLine(e.getMessage()));
            e.printStackTrace();
          }
        }
        for (Target t : targets) {
          heyCeiling(round, t);
        }
      }
      extra.close();
    } finally {
      issuer.close();
    }
    double steal = Machine.stealPercentSince(ticks);
    String loadAfter =
        Machine.loadAverage()
            + (Double.isNaN(steal)
                ? ""
                : String.format(
                    Locale.ROOT,
                    ". CPU steal during the run (time the hypervisor gave this machine's CPUs to"
                        + " other guests): %.0f%% of CPU time; the stealPercent figure of each"
                        + " existence run below covers that run (in a round's row: the median"
                        + " over its runs)",
                    steal));
    Report report =
        new Report(
            options,
            samples,
            notes,
            withSource(Machine.describe(), source),
            started,
            Instant.now(),
            loadBefore,
            loadAfter);
    Files.createDirectories(options.out().toAbsolutePath().getParent());
    Files.writeString(options.out(), report.markdown());
    log("wrote " + options.out());
  }

  private static Map<String, String> withSource(Map<String, String> machine, String source) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("fly-registry", source);
    out.putAll(machine);
    return out;
  }

  private static List<TokenIssuer.Access> allRepositories(String... actions) {
    List<TokenIssuer.Access> access = new ArrayList<>();
    for (int i = 0; i < REPOSITORIES; i++) {
      access.add(new TokenIssuer.Access("repository", repository(i), List.of(actions)));
    }
    for (String extra : ExtraMeasurements.REPOSITORIES) {
      access.add(new TokenIssuer.Access("repository", extra, List.of(actions)));
    }
    return access;
  }

  static String repository(int i) {
    return String.format(Locale.ROOT, "app-%02d", i);
  }

  /**
   * Seeds {@code refs/2} present tags spread over {@link #REPOSITORIES} repositories, and writes
   * the reference list: those tags and as many missing tags of the same repositories, shuffled
   * (fixed seed).
   */
  private Target seed(
      String mode,
      LocalRegistry registry,
      OciLayout layout,
      ImageInfo image,
      String pushToken,
      String pullToken,
      String pullKidToken)
      throws Exception {
    int perRepo = options.refs() / 2 / REPOSITORIES;
    Seeder seeder = new Seeder(registry.baseUri(), pushToken);
    List<String> refs = new ArrayList<>();
    for (int i = 0; i < REPOSITORIES; i++) {
      List<String> tags = new ArrayList<>();
      for (int t = 0; t < perRepo; t++) {
        String tag = String.format(Locale.ROOT, "v%04d", t);
        tags.add(tag);
        refs.add(registry.ref(repository(i) + ":" + tag));
        refs.add(registry.ref(repository(i) + ":" + String.format(Locale.ROOT, "missing-%04d", t)));
      }
      seeder.pushImage(repository(i), layout, image, tags);
    }
    Collections.shuffle(refs, new Random(20261127L));
    Path file = work.resolve("refs-" + mode.replace(' ', '-') + ".txt");
    Files.write(file, refs);
    log(
        "seeded "
            + mode
            + ": "
            + refs.size() / 2
            + " present tags in "
            + REPOSITORIES
            + " repositories");
    return new Target(
        mode,
        registry,
        file,
        List.copyOf(refs),
        refs.size() / 2,
        registry.ref(repository(0) + ":v0000"),
        registry.ref(repository(0) + ":missing-0000"),
        pullToken,
        pullKidToken,
        pushToken,
        pushToken != null);
  }

  // ------------------------------------------------------------------------ bulk existence

  /**
   * One concurrency of the bulk existence check, as one block per round and mode: the clients that
   * run at {@code concurrency} (the SDK, jib-core; at concurrency 1 also the bare loop) each warm
   * up in a worker JVM of their own, one after the other, then the block runs {@link
   * Options#blockRuns()} times, each time every client once (each worker's measured run with a new
   * client; at concurrency 1 and at each of {@link Options#heyConcurrency()} also {@code hey -c}
   * that concurrency for a present and a missing tag) in an order that rotates from run to run. A
   * client's rate follows how fast the registry answers during its few seconds, which varies; runs
   * alternated close together in time, and their median, keep that out of the comparison as far as
   * it lasts longer than a run. Every run is kept ({@code exists-run} samples); the round's figure
   * of each client is the median over its runs (the worst for sockets and token requests).
   */
  private void existsBlock(int round, Target t, int concurrency) {
    int runs = options.blockRuns();
    Map<String, String> workers = new LinkedHashMap<>();
    if (options.sdkConcurrency().contains(concurrency)) {
      workers.put(Targets.SDK, "exists-sdk");
    }
    if (options.jibConcurrency().contains(concurrency)) {
      workers.put(Targets.JIB, "exists-jib");
    }
    if (concurrency == 1 && options.runs("bare")) {
      workers.put(Targets.BARE, "exists-bare");
    }
    boolean withHey =
        options.runs("hey") && (concurrency == 1 || options.heyConcurrency().contains(concurrency));
    Map<String, WorkerSession> sessions = new LinkedHashMap<>();
    List<BlockRun> done = new ArrayList<>();
    WireCapture wire = null;
    try {
      for (Map.Entry<String, String> w : workers.entrySet()) {
        sessions.put(
            w.getKey(),
            startWorker(
                w.getValue(),
                List.of("-Xmx512m"),
                existsParams(t, concurrency, runs),
                existsEnv(t, w.getValue())));
      }
      // after the warm-ups: only the measured runs are captured
      wire = concurrency == 1 ? startWire(t) : null;
      List<String> order = new ArrayList<>(sessions.keySet());
      if (withHey) {
        order.add(HEY);
      }
      for (int run = 1; run <= runs; run++) {
        List<String> thisRun = new ArrayList<>(order);
        Collections.rotate(thisRun, -(round - 1 + run - 1));
        for (String client : thisRun) {
          Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
          Map<String, List<Window>> windows = new LinkedHashMap<>();
          if (client.equals(HEY)) {
            // in token mode with the kid-only twin of the token too, back to back, in turns
            List<HeyToken> tokens = new ArrayList<>(heyTokens(t));
            Collections.rotate(tokens, run);
            for (HeyToken token : tokens) {
              Instant a = Instant.now();
              double present = heyRun(t, "present", concurrency, token, figures);
              Instant b = Instant.now();
              double missing = heyRun(t, "missing", concurrency, token, figures);
              Instant c = Instant.now();
              figures.put(
                  Targets.HEY_MIX + token.suffix(),
                  Map.of("checksPerSecond", mixRate(present, missing)));
              windows.put("hey present" + token.suffix(), List.of(new Window(a, b)));
              windows.put("hey missing" + token.suffix(), List.of(new Window(b, c)));
              windows.put(
                  Targets.HEY_MIX + token.suffix(), List.of(new Window(a, b), new Window(b, c)));
            }
          } else {
            long[] ticks = Machine.cpuTicks();
            WorkerSession w = sessions.get(client);
            Instant a = Instant.now();
            WorkerResult r = w.run();
            windows.put(client, List.of(new Window(a, Instant.now())));
            if (run == runs) {
              // its last run: wait until it has exited, so that its JVM's CPU time (a child's,
              // counted when it is reaped) does not land in the next hey run's CPU figure
              w.finish();
            }
            figures.put(
                client, existsValues(t, client, concurrency, r, Machine.stealPercentSince(ticks)));
          }
          for (Map.Entry<String, Map<String, Double>> f : figures.entrySet()) {
            done.add(
                new BlockRun(
                    f.getKey(),
                    run,
                    new LinkedHashMap<>(f.getValue()),
                    windows.getOrDefault(f.getKey(), List.of())));
          }
        }
      }
      if (wire != null) {
        addWireFigures(t, wire, done);
      }
    } finally {
      sessions.values().forEach(WorkerSession::close);
      if (wire != null) {
        wire.close();
      }
    }
    Map<String, List<Map<String, Double>>> byClient = new LinkedHashMap<>();
    for (BlockRun b : done) {
      Map<String, Double> v = new LinkedHashMap<>(b.values());
      v.put("run", (double) b.run());
      add(new Sample(round, "exists-run", t.mode(), b.client(), concurrency, v));
      byClient.computeIfAbsent(b.client(), k -> new ArrayList<>()).add(b.values());
    }
    byClient.forEach(
        (client, list) ->
            add(new Sample(round, "exists", t.mode(), client, concurrency, overRuns(list))));
  }

  /**
   * One client's measured run in a block.
   *
   * @param client the client's name in the report
   * @param run which run of the block
   * @param values its figures (wire timings are added to them)
   * @param windows when its checks were sent: one span per run over the references
   */
  private record BlockRun(
      String client, int run, Map<String, Double> values, List<Window> windows) {}

  /** A span of wall-clock time, from the harness's side, in which one client run's checks went. */
  private record Window(Instant from, Instant to) {}

  /**
   * Starts capturing the registry's loopback traffic for the wire timings of a concurrency-1 block,
   * or returns null (once noting why) when tcpdump is skipped, missing or cannot capture.
   */
  private WireCapture startWire(Target t) {
    if (!options.runs("wire")) {
      return null;
    }
    try {
      return WireCapture.start(t.registry().port());
    } catch (RuntimeException e) {
      if (!wireNoted) {
        wireNoted = true;
        note(
            "No wire timings at concurrency 1: "
                + firstLine(e.getMessage())
                + " (the harness runs tcpdump on the loopback, which needs the package and root or"
                + " CAP_NET_RAW).");
      }
      return null;
    }
  }

  /**
   * Adds each run's wire timing from the capture ({@code wireRegistryMicros}, {@code
   * wireClientMicros} and their medians, {@code wireChecks}). A run whose requests the capture did
   * not all see (the kernel dropped packets) gets none, with a note.
   */
  private void addWireFigures(Target t, WireCapture wire, List<BlockRun> done) {
    int dropped;
    try {
      dropped = wire.stop();
    } catch (RuntimeException e) {
      // the block's own figures stand without them
      note(
          "No wire timings for a concurrency-1 block ("
              + t.mode()
              + "): "
              + firstLine(e.getMessage()));
      return;
    }
    if (dropped > 0) {
      note(
          "The capture of a concurrency-1 block ("
              + t.mode()
              + ") lost "
              + dropped
              + " packets in the kernel: its wire timings are left out.");
      return;
    }
    for (BlockRun b : done) {
      if (b.windows().isEmpty()) {
        continue;
      }
      List<List<WireCapture.Packet>> spans = new ArrayList<>();
      for (Window w : b.windows()) {
        spans.add(wire.between(w.from(), w.to()));
      }
      WireCapture.Timing timing = WireCapture.timing(spans);
      // each window is one run over the reference list (hey: n rounded to c, so the same at c=1)
      int expected = t.refs().size() * b.windows().size();
      if (timing == null || timing.checks() < expected) {
        note(
            "The capture saw "
                + (timing == null ? 0 : timing.checks())
                + " of "
                + expected
                + " requests of "
                + b.client()
                + " ("
                + t.mode()
                + ", run "
                + b.run()
                + "): its wire timing is left out.");
        continue;
      }
      b.values().put("wireChecks", (double) timing.checks());
      b.values().put("wireRegistryMicros", timing.registryMicros());
      b.values().put("wireClientMicros", timing.clientMicros());
      b.values().put("wireRegistryMedianMicros", timing.registryMedianMicros());
      b.values().put("wireClientMedianMicros", timing.clientMedianMicros());
    }
  }

  /**
   * A client's figures over its runs of one round: the median of each, but the worst (largest)
   * socket and token counts, which targets bound.
   */
  static Map<String, Double> overRuns(List<Map<String, Double>> runs) {
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (Map<String, Double> r : runs) {
      r.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach(
        (k, list) ->
            out.put(
                k,
                k.equals("sockets") || k.startsWith("token")
                    ? Collections.max(list)
                    : Stats.of(list).median()));
    return out;
  }

  private List<String> existsParams(Target t, int concurrency, int runs) {
    List<String> params = new ArrayList<>();
    params.add("refs=" + t.refsFile());
    params.add("concurrency=" + concurrency);
    params.add("warmup=" + options.warmup());
    params.add("warmupPasses=" + options.warmupPasses());
    params.add("port=" + t.registry().port());
    params.add("runs=" + runs);
    if (t.auth()) {
      params.add("user=" + USER);
      params.add("password=" + PASSWORD);
    }
    // the reference loop sends hey's request: the SDK's Accept header and the minted pull token
    params.add("accept=" + ACCEPT);
    return params;
  }

  private static Map<String, String> existsEnv(Target t, String task) {
    return task.equals("exists-bare") && t.heyToken() != null
        ? Map.of("BENCH_PULL_TOKEN", t.heyToken())
        : Map.of();
  }

  /** A measured existence run's figures, after checking that it checked and found them all. */
  private Map<String, Double> existsValues(
      Target t, String client, int concurrency, WorkerResult r, double steal) {
    double checks = r.json().path("checks").asDouble();
    double found = r.json().path("found").asDouble();
    if (checks != t.refs().size() || found != t.present()) {
      throw new IllegalStateException(
          client
              + " ("
              + t.mode()
              + ", c="
              + concurrency
              + ") checked "
              + checks
              + " and found "
              + found
              + ", expected "
              + t.refs().size()
              + " and "
              + t.present());
    }
    Map<String, Double> v = new LinkedHashMap<>();
    double seconds = r.json().path("wallNanos").asDouble() / 1e9;
    v.put("checksPerSecond", checks / seconds);
    v.put("cpuMicrosPerCheck", r.json().path("cpuNanos").asDouble() / 1e3 / checks);
    v.put("sockets", r.json().path("sockets").asDouble());
    v.put("jitMillis", r.json().path("jitMillis").asDouble());
    v.put("warmupPasses", r.json().path("warmupPasses").asDouble());
    if (!Double.isNaN(steal)) {
      v.put("stealPercent", steal);
    }
    if (t.auth()) {
      v.put("tokenRequests", (double) r.tokenRequests().size());
      v.put("tokenScopes", (double) distinctScopes(r.tokenRequests()));
    }
    return v;
  }

  private static int distinctScopes(List<TokenIssuer.TokenRequest> requests) {
    Set<String> scopes = new LinkedHashSet<>();
    for (TokenIssuer.TokenRequest r : requests) {
      scopes.add(String.join(" ", r.scopes()));
    }
    return scopes.size();
  }

  /**
   * The registry's ceiling for a round and target: the best, over {@link Options#heyConcurrency()},
   * of hey's 50/50 mix rate in that concurrency's block (each run's mix of its present and missing
   * runs, the median over the block's runs: the same figure as every other client's), as a {@link
   * Targets#HEY_MIX} sample at concurrency 0 with the concurrency it came from ({@code
   * concurrency}); for the {@code kid}-only token likewise. Nothing when hey did not run.
   */
  private void heyCeiling(int round, Target t) {
    for (HeyToken token : heyTokens(t)) {
      Sample ceiling =
          ceiling(
              samples, round, t.mode(), Targets.HEY_MIX + token.suffix(), options.heyConcurrency());
      if (ceiling != null) {
        add(ceiling);
      }
    }
  }

  /**
   * The ceiling sample of {@code client} in a round and mode: its {@code exists} sample with the
   * highest rate among {@code concurrencies}, as a sample at concurrency 0 with that rate ({@code
   * checksPerSecond}) and the concurrency it came from ({@code concurrency}); null when there is
   * none.
   */
  static Sample ceiling(
      List<Sample> samples, int round, String mode, String client, List<Integer> concurrencies) {
    Sample best = null;
    for (Sample s : samples) {
      if (s.round() == round
          && s.measurement().equals("exists")
          && s.mode().equals(mode)
          && s.client().equals(client)
          && concurrencies.contains(s.concurrency())
          && (best == null || s.get("checksPerSecond") > best.get("checksPerSecond"))) {
        best = s;
      }
    }
    return best == null
        ? null
        : new Sample(
            round,
            "exists",
            mode,
            client,
            0,
            Map.of(
                "checksPerSecond",
                best.get("checksPerSecond"),
                "concurrency",
                (double) best.concurrency()));
  }

  /**
   * A bearer token hey sends (null: none) and what the client names of its rows end with.
   *
   * @param token the pull token, or null without auth
   * @param suffix empty, or {@link Targets#KID_ONLY}
   */
  private record HeyToken(String token, String suffix) {}

  /**
   * The tokens hey runs with against a target: the target's own (none without auth), and in token
   * mode also its twin whose header names the key by {@code kid} alone. Every client's token
   * carries the certificate ({@code x5c}), which distribution 2.8.2 parses and verifies on each
   * request; the pair shows what that costs the registry, a cost every client pays alike. The twin
   * is left out with {@code --skip kid}.
   */
  private List<HeyToken> heyTokens(Target t) {
    HeyToken served = new HeyToken(t.heyToken(), "");
    return t.heyKidToken() != null && options.runs("kid")
        ? List.of(served, new HeyToken(t.heyKidToken(), Targets.KID_ONLY))
        : List.of(served);
  }

  /**
   * The rate of the 50/50 mix from the rates of present and missing checks: the time of one present
   * plus one missing check, halved (their harmonic mean).
   */
  static double mixRate(double present, double missing) {
    return 2.0 / (1.0 / present + 1.0 / missing);
  }

  /**
   * One {@code hey -m HEAD} run for the present or the missing tag at concurrency {@code c}; puts
   * its figures in {@code figures} (as {@code hey present} or {@code hey missing}, with {@link
   * Targets#KID_ONLY} after it for the {@code kid}-only token).
   *
   * @param token the token to send (see {@link #heyTokens})
   * @return its requests per second
   */
  private double heyRun(
      Target t, String which, int c, HeyToken token, Map<String, Map<String, Double>> figures) {
    String ref = which.equals("present") ? t.presentRef() : t.missingRef();
    int expected = which.equals("present") ? 200 : 404;
    // hey sends n / c requests from each of its c workers: n a multiple of c, so all are sent
    int n = (t.refs().size() + c - 1) / c * c;
    List<String> cmd = new ArrayList<>(List.of("hey", "-n", String.valueOf(n)));
    cmd.addAll(List.of("-c", String.valueOf(c), "-m", "HEAD", "-H", "Accept: " + ACCEPT));
    if (token.token() != null) {
      cmd.addAll(List.of("-H", "Authorization: Bearer " + token.token()));
    }
    cmd.add(manifestUrl(t.registry(), ref));
    long cpu0 = Machine.childrenCpuNanos();
    Tool.Result out = Tool.run(cmd, Duration.ofMinutes(5));
    double cpuMicros = (Machine.childrenCpuNanos() - cpu0) / 1e3 / n;
    HeyOutput result = HeyOutput.parse(out.stdout());
    String name = "hey " + which + token.suffix();
    if (result.responses(expected) != n) {
      throw new IllegalStateException(
          name
              + " ("
              + t.mode()
              + "): expected "
              + n
              + " × "
              + expected
              + ", got "
              + result.statusCounts()
              + " and "
              + result.errors()
              + " errors");
    }
    figures.put(
        name,
        Map.of("checksPerSecond", result.requestsPerSecond(), "cpuMicrosPerCheck", cpuMicros));
    return result.requestsPerSecond();
  }

  private static String manifestUrl(LocalRegistry registry, String ref) {
    String path = ref.substring(ref.indexOf('/') + 1);
    int colon = path.lastIndexOf(':');
    return registry.baseUri()
        + "/v2/"
        + path.substring(0, colon)
        + "/manifests/"
        + path.substring(colon + 1);
  }

  private void skopeoInspect(int round, Target t) {
    List<String> sample = new ArrayList<>();
    int half = options.skopeoSample() / 2;
    int present = 0;
    int missing = 0;
    for (String ref : t.refs()) {
      boolean isMissing = ref.contains(":missing-");
      if (isMissing && missing < half) {
        sample.add(ref);
        missing++;
      } else if (!isMissing && present < options.skopeoSample() - half) {
        sample.add(ref);
        present++;
      }
    }
    int tokensBefore = issuer.requests().size();
    long cpu0 = Machine.childrenCpuNanos();
    long t0 = System.nanoTime();
    int found = 0;
    for (String ref : sample) {
      List<String> cmd =
          new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--tls-verify=false"));
      if (t.auth()) {
        cmd.addAll(List.of("--creds", USER + ":" + PASSWORD));
      }
      cmd.add("docker://" + ref);
      Tool.Result r = Tool.runAllowingFailure(cmd, Duration.ofMinutes(1));
      if (r.exitCode() == 0) {
        found++;
      } else if (!r.stderr().toLowerCase(Locale.ROOT).contains("manifest unknown")) {
        throw new IllegalStateException("skopeo inspect " + ref + " failed: " + r.stderr());
      }
    }
    long wall = System.nanoTime() - t0;
    long cpu = Machine.childrenCpuNanos() - cpu0;
    if (found != present) {
      throw new IllegalStateException("skopeo found " + found + " of " + present + " present refs");
    }
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("checksPerSecond", sample.size() / (wall / 1e9));
    v.put("cpuMicrosPerCheck", cpu / 1e3 / sample.size());
    v.put("sockets", 0.0);
    if (t.auth()) {
      List<TokenIssuer.TokenRequest> reqs = issuer.requests();
      v.put("tokenRequests", (double) (reqs.size() - tokensBefore));
      v.put("tokenScopes", (double) distinctScopes(reqs.subList(tokensBefore, reqs.size())));
    }
    add(new Sample(round, "exists", t.mode(), "skopeo inspect", 1, v));
  }

  // ------------------------------------------------------------------------ workers

  /** What a worker printed, and the token requests the issuer answered while it ran. */
  record WorkerResult(JsonNode json, List<TokenIssuer.TokenRequest> tokenRequests) {}

  WorkerResult runWorker(
      String task, List<String> jvmArgs, List<String> params, Map<String, String> env) {
    try (WorkerSession w = startWorker(task, jvmArgs, params, env)) {
      WorkerResult r = w.run();
      w.finish();
      return r;
    }
  }

  /**
   * Starts a worker JVM and waits until it has warmed up ({@code READY}); its measured runs are
   * then started one at a time with {@link WorkerSession#run()}.
   */
  WorkerSession startWorker(
      String task, List<String> jvmArgs, List<String> params, Map<String, String> env) {
    int id = ++workerCount;
    Path err = logs.resolve("worker-" + id + "-" + task + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    // Extra worker JVM flags, for profiling a client (for example a Flight Recorder recording).
    String extra = System.getenv("BENCH_WORKER_JVM_ARGS");
    if (extra != null && !extra.isBlank()) {
      for (String flag : extra.trim().split("\\s+")) {
        cmd.add(flag.replace("{id}", id + "-" + task));
      }
    }
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Worker.class.getName());
    cmd.add(task);
    cmd.addAll(params);
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a worker JVM", e);
    }
    WorkerSession w = new WorkerSession(task + " " + params, p, err);
    try {
      w.awaitReady();
      return w;
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /**
   * A running worker JVM: {@code READY} when it waits for {@code GO}, {@code RESULT <json>} after
   * each measured run. Killed by the watchdog after {@link Options#workerTimeout()}, and by {@link
   * #close()}.
   */
  final class WorkerSession implements AutoCloseable {
    private final String what;
    private final Process process;
    private final Path log;
    private final BufferedReader out;
    private final Writer in;
    private final ScheduledFuture<?> kill;

    private WorkerSession(String what, Process process, Path log) {
      this.what = what;
      this.process = process;
      this.log = log;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.kill =
          watchdog.schedule(
              process::destroyForcibly, options.workerTimeout().toSeconds(), TimeUnit.SECONDS);
    }

    private void awaitReady() {
      String line = next();
      if (!line.equals("READY")) {
        throw failed("expected READY, got: " + line);
      }
    }

    /**
     * Starts one measured run and waits for its result.
     *
     * @return what the worker printed, and the token requests the issuer answered meanwhile
     */
    WorkerResult run() {
      int tokensBefore = issuer.requests().size();
      try {
        in.write("GO\n");
        in.flush();
      } catch (IOException e) {
        throw failed("cannot send GO: " + e);
      }
      String line = next();
      while (line.equals("READY")) {
        // the worker's READY for this run, when it had a run before (it may come after GO)
        line = next();
      }
      if (!line.startsWith("RESULT ")) {
        throw failed("expected RESULT, got: " + line);
      }
      List<TokenIssuer.TokenRequest> all = issuer.requests();
      JsonNode json;
      try {
        json = JSON.readTree(line.substring(7));
      } catch (IOException e) {
        throw failed("unreadable RESULT: " + e);
      }
      List<TokenIssuer.TokenRequest> tokens = List.copyOf(all.subList(tokensBefore, all.size()));
      return new WorkerResult(json, tokens);
    }

    /** Waits for the worker to exit after its last run; fails unless it exits with 0. */
    void finish() {
      try {
        in.close();
        String line;
        while ((line = out.readLine()) != null) {
          if (isProtocol(line) && !line.equals("READY")) {
            throw failed("unexpected output: " + line);
          }
        }
        int exit = process.waitFor();
        if (exit != 0) {
          throw failed("exit " + exit);
        }
      } catch (IOException e) {
        throw failed("I/O failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    /** The next line the worker printed (waits for it); fails when its output ended. */
    private String next() {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (isProtocol(line)) {
            return line;
          }
          // other output of the JVM (a Flight Recorder started by BENCH_WORKER_JVM_ARGS says so)
        }
        int exit = process.waitFor();
        throw failed("exit " + exit + " before its result");
      } catch (IOException e) {
        throw failed("I/O failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    /** A line of the worker protocol, as opposed to other output of the JVM. */
    static boolean isProtocol(String line) {
      return line.equals("READY") || line.startsWith("RESULT ");
    }

    private IllegalStateException failed(String why) {
      return new IllegalStateException(
          "worker " + what + " failed (" + why + "); log " + log + ":\n" + Tool.tail(log, 30));
    }

    @Override
    public void close() {
      kill.cancel(false);
      process.destroyForcibly();
    }
  }

  void add(Sample s) {
    samples.add(s);
    StringBuilder b = new StringBuilder();
    b.append("  r")
        .append(s.round())
        .append(' ')
        .append(s.measurement())
        .append(" [")
        .append(s.mode())
        .append("] ")
        .append(s.client());
    if (s.concurrency() > 0) {
      b.append(" c=").append(s.concurrency());
    }
    s.values().forEach((k, v) -> b.append(' ').append(k).append('=').append(Stats.number(v, 1)));
    log(b.toString());
  }

  void note(String text) {
    notes.add(text);
    log("note: " + text);
  }

  Options options() {
    return options;
  }

  Path work() {
    return work;
  }

  TokenIssuer issuer() {
    return issuer;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "(no message)";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  static void log(String line) {
    System.err.println("[bench] " + line);
  }
}
