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

  private final Options options;
  private final List<Sample> samples = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Path work;
  private final Path logs;
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
  private int workerCount;
  private int failures;
  private TokenIssuer issuer;

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
      targets.add(seed("no auth", noauth, layout, image, null, null));
      String pushToken = issuer.mint(USER, allRepositories("pull", "push"), Duration.ofHours(2));
      String pullToken = issuer.mint(USER, allRepositories("pull"), Duration.ofHours(2));
      targets.add(seed("token", token, layout, image, pushToken, pullToken));
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
          if (options.runs("hey")) {
            tasks.add(() -> hey(r, t));
          }
          for (int c : options.sdkConcurrency()) {
            tasks.add(() -> existsWorker(r, t, "exists-sdk", "SDK existsAll", c));
          }
          for (int c : options.jibConcurrency()) {
            tasks.add(() -> existsWorker(r, t, "exists-jib", "jib-core", c));
          }
          if (options.runs("bare")) {
            tasks.add(() -> existsWorker(r, t, "exists-bare", Targets.BARE, 1));
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
                        + " existence run below is the same for its worker's lifetime",
                    steal));
    Report report =
        new Report(
            options,
            samples,
            notes,
            Machine.describe(),
            started,
            Instant.now(),
            loadBefore,
            loadAfter);
    Files.createDirectories(options.out().toAbsolutePath().getParent());
    Files.writeString(options.out(), report.markdown());
    log("wrote " + options.out());
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
      String pullToken)
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
        pushToken,
        pushToken != null);
  }

  // ------------------------------------------------------------------------ bulk existence

  private void existsWorker(int round, Target t, String task, String client, int concurrency) {
    List<String> params = new ArrayList<>();
    params.add("refs=" + t.refsFile());
    params.add("concurrency=" + concurrency);
    params.add("warmup=" + options.warmup());
    params.add("warmupPasses=" + options.warmupPasses());
    params.add("port=" + t.registry().port());
    if (t.auth()) {
      params.add("user=" + USER);
      params.add("password=" + PASSWORD);
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (task.equals("exists-bare")) {
      // the reference loop sends hey's request: the SDK's Accept header and the minted pull token
      params.add("accept=" + ACCEPT);
      if (t.heyToken() != null) {
        env.put("BENCH_PULL_TOKEN", t.heyToken());
      }
    }
    long[] ticks = Machine.cpuTicks();
    WorkerResult r = runWorker(task, List.of("-Xmx512m"), params, env);
    double steal = Machine.stealPercentSince(ticks);
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
    add(new Sample(round, "exists", t.mode(), client, concurrency, v));
  }

  private static int distinctScopes(List<TokenIssuer.TokenRequest> requests) {
    Set<String> scopes = new LinkedHashSet<>();
    for (TokenIssuer.TokenRequest r : requests) {
      scopes.add(String.join(" ", r.scopes()));
    }
    return scopes.size();
  }

  private void hey(int round, Target t) {
    Map<String, Double> best = new LinkedHashMap<>();
    Map<String, Double> single = new LinkedHashMap<>();
    for (String which : List.of("present", "missing")) {
      String ref = which.equals("present") ? t.presentRef() : t.missingRef();
      int expected = which.equals("present") ? 200 : 404;
      for (int c : options.heyConcurrency()) {
        // hey sends n / c requests from each of its c workers: n a multiple of c, so all are sent
        int n = (t.refs().size() + c - 1) / c * c;
        List<String> cmd = new ArrayList<>(List.of("hey", "-n", String.valueOf(n)));
        cmd.addAll(List.of("-c", String.valueOf(c), "-m", "HEAD", "-H", "Accept: " + ACCEPT));
        if (t.heyToken() != null) {
          cmd.addAll(List.of("-H", "Authorization: Bearer " + t.heyToken()));
        }
        cmd.add(manifestUrl(t.registry(), ref));
        long cpu0 = Machine.childrenCpuNanos();
        Tool.Result out = Tool.run(cmd, Duration.ofMinutes(5));
        double cpuMicros = (Machine.childrenCpuNanos() - cpu0) / 1e3 / n;
        HeyOutput hey = HeyOutput.parse(out.stdout());
        if (hey.responses(expected) != n) {
          throw new IllegalStateException(
              "hey "
                  + which
                  + " ("
                  + t.mode()
                  + "): expected "
                  + n
                  + " × "
                  + expected
                  + ", got "
                  + hey.statusCounts()
                  + " and "
                  + hey.errors()
                  + " errors");
        }
        add(
            new Sample(
                round,
                "exists",
                t.mode(),
                "hey " + which,
                c,
                Map.of(
                    "checksPerSecond", hey.requestsPerSecond(), "cpuMicrosPerCheck", cpuMicros)));
        best.merge(which, hey.requestsPerSecond(), Math::max);
        if (c == 1) {
          single.put(which, hey.requestsPerSecond());
        }
      }
    }
    if (single.size() == 2) {
      // What a minimal keep-alive HTTP client reaches one request at a time
      double mix1 = 2.0 / (1.0 / single.get("present") + 1.0 / single.get("missing"));
      add(new Sample(round, "exists", t.mode(), "hey mix", 1, Map.of("checksPerSecond", mix1)));
    }
    // The ceiling for the 50/50 mix: the time of one present plus one missing check, halved.
    double mix = 2.0 / (1.0 / best.get("present") + 1.0 / best.get("missing"));
    add(new Sample(round, "exists", t.mode(), "hey mix", 0, Map.of("checksPerSecond", mix)));
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
    ScheduledFuture<?> kill =
        watchdog.schedule(
            p::destroyForcibly, options.workerTimeout().toSeconds(), TimeUnit.SECONDS);
    try (BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
      String line;
      int tokensBefore = -1;
      JsonNode result = null;
      while ((line = out.readLine()) != null) {
        if (line.equals("READY")) {
          tokensBefore = issuer.requests().size();
          in.write("GO\n");
          in.flush();
        } else if (line.startsWith("RESULT ")) {
          result = JSON.readTree(line.substring(7));
        }
      }
      int exit = p.waitFor();
      if (exit != 0 || result == null || tokensBefore < 0) {
        throw new IllegalStateException(
            "worker "
                + task
                + " "
                + params
                + " failed (exit "
                + exit
                + "); log "
                + err
                + ":\n"
                + Tool.tail(err, 30));
      }
      List<TokenIssuer.TokenRequest> all = issuer.requests();
      return new WorkerResult(result, List.copyOf(all.subList(tokensBefore, all.size())));
    } catch (IOException e) {
      throw new IllegalStateException("worker " + task + " I/O failed; log " + err, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      kill.cancel(false);
      p.destroyForcibly();
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
