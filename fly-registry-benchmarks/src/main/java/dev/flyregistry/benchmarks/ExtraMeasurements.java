package dev.flyregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.OciLayout;
import dev.flyregistry.testing.TestImages;
import dev.flyregistry.testing.TestImages.ImageInfo;
import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TestImages.Layer;
import dev.flyregistry.testkit.FlyEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** Push, copy, GraphQL and cold-start measurements: preparation, tasks per round, report. */
final class ExtraMeasurements implements AutoCloseable {
  /** Repositories besides the existence ones that the seeding token may write. */
  static final List<String> REPOSITORIES = List.of("copy-src");

  static final String GRAPHQL_APP = "bench-app";
  static final int COPY_LAYER_MIB = 64;
  private static final long MIB = 1L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchMain bench;
  private final Map<Integer, Path> pushLayouts = new LinkedHashMap<>();
  private final Map<Integer, Map.Entry<OciLayout, ImageInfo>> pushImages = new LinkedHashMap<>();
  private final Map<String, CountingProxy> proxies = new LinkedHashMap<>();
  private List<BenchMain.Target> targets = List.of();
  private FlyEmulator emulator;
  private String emulatorToken;
  private long copyLayerBytes;
  private Path warmLayout;

  /** The warm-up image's layer: small, so that the warm-up costs little next to the push. */
  static final int WARM_LAYER_MIB = 16;

  static final String SDK_PUSH = "SDK push";
  static final String SDK_PUSH_COLD = "SDK push, fresh JVM";

  ExtraMeasurements(BenchMain bench) {
    this.bench = bench;
  }

  void prepare(List<BenchMain.Target> targets) throws Exception {
    this.targets = targets;
    Options o = bench.options();
    if (o.runs("push")) {
      warmLayout = bench.work().resolve("push-warm-layout");
      TestImages.ociLayout(warmLayout)
          .addImage(
              "v1",
              ImageSpec.linux("amd64", "warm-up\n")
                  .withLayer(Layer.random("warm.bin", WARM_LAYER_MIB * MIB, 4242)));
      for (int mib : o.pushMiB()) {
        Path dir = bench.work().resolve("push-layout-" + mib);
        OciLayout layout = TestImages.ociLayout(dir);
        ImageInfo image =
            layout.addImage(
                "v1",
                ImageSpec.linux("amd64", "push " + mib + "\n")
                    .withLayer(Layer.random("payload.bin", mib * MIB, 1000 + mib)));
        pushLayouts.put(mib, dir);
        pushImages.put(mib, Map.entry(layout, image));
        BenchMain.log("push layout with a " + mib + " MiB layer: " + dir);
      }
    }
    if (o.runs("copy")) {
      Map.Entry<OciLayout, ImageInfo> source = pushImages.get(COPY_LAYER_MIB);
      if (source == null) {
        OciLayout made = TestImages.ociLayout(bench.work().resolve("copy-layout"));
        source =
            Map.entry(
                made,
                made.addImage(
                    "v1",
                    ImageSpec.linux("amd64", "copy\n")
                        .withLayer(Layer.random("payload.bin", COPY_LAYER_MIB * MIB, 77))));
      }
      OciLayout layout = source.getKey();
      ImageInfo image = source.getValue();
      copyLayerBytes = image.layers().stream().mapToLong(TestImages.Blob::size).sum();
      for (BenchMain.Target t : targets) {
        new Seeder(t.registry().baseUri(), t.seedToken())
            .pushImage("copy-src", layout, image, List.of("v1"));
        proxies.put(t.mode(), new CountingProxy(t.registry().port()));
      }
      BenchMain.log("copy source copy-src:v1 seeded (" + copyLayerBytes + " bytes of layers)");
    }
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
    if (o.runs("cold") && o.flyreg() == null) {
      bench.note(
          "Cold start not measured: no `flyreg` launcher was found (the CLI is built by the examples"
              + " module; pass `--flyreg 'COMMAND'` to name one).");
    }
  }

  List<Runnable> tasks(int round) {
    List<Runnable> tasks = new ArrayList<>();
    BenchMain.Target noauth = targets.get(0);
    for (Map.Entry<Integer, Path> e : pushLayouts.entrySet()) {
      int mib = e.getKey();
      Path layout = e.getValue();
      tasks.add(() -> pushPair(round, mib, layout));
    }
    for (BenchMain.Target t : targets) {
      if (proxies.containsKey(t.mode())) {
        tasks.add(() -> copy(round, t));
      }
    }
    if (emulator != null) {
      tasks.add(() -> graphql(round));
    }
    if (bench.options().runs("cold") && bench.options().flyreg() != null) {
      tasks.add(() -> coldStart(round, noauth));
    }
    return tasks;
  }

  // ------------------------------------------------------------------------ push

  /**
   * The SDK and skopeo push the same layout, back to back in alternating order, each to its own
   * repository of a registry started for this pair alone: neither finds the layer from an earlier
   * round, and skopeo's blob-info cache (which remembers where it pushed a blob, and mounts from
   * there next time) knows no location on the new registry's port.
   */
  private void pushPair(int round, int mib, Path layout) {
    try (LocalRegistry registry = LocalRegistry.startNoAuth()) {
      if (round % 2 == 1) {
        pushSdk(round, registry, mib, layout, true);
        pushSkopeo(round, registry, mib, layout);
        pushSdk(round, registry, mib, layout, false);
      } else {
        pushSdk(round, registry, mib, layout, false);
        pushSkopeo(round, registry, mib, layout);
        pushSdk(round, registry, mib, layout, true);
      }
    }
  }

  /**
   * One SDK push in a worker JVM. Warm: the worker first pushes a small image of its own (each time
   * with another client, to another repository) until the JIT compiler is quiet, as a service that
   * pushes images has done before; the measured push then runs with a new client. Cold: the
   * measured push is the JVM's first.
   */
  private void pushSdk(int round, LocalRegistry registry, int mib, Path layout, boolean warm) {
    String target =
        registry.ref(
            String.format(
                Locale.ROOT, "push-sdk-%s-%d-r%d:v1", warm ? "warm" : "cold", mib, round));
    List<String> params =
        new ArrayList<>(List.of("layout=" + layout, "tag=v1", "target=" + target));
    if (warm) {
      params.add("warmupPasses=" + bench.options().warmupPasses());
      params.add("warmLayout=" + warmLayout);
      params.add(
          "warmTarget="
              + registry.ref(String.format(Locale.ROOT, "push-sdk-warm-up-%d-r%d:v1", mib, round)));
    }
    BenchMain.WorkerResult r = bench.runWorker("push-sdk", List.of("-Xmx64m"), params, Map.of());
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("seconds", r.json().path("wallNanos").asDouble() / 1e9);
    v.put(
        "MiBPerSecond",
        r.json().path("bytesSent").asDouble()
            / MIB
            / (r.json().path("wallNanos").asDouble() / 1e9));
    v.put("cpuSeconds", r.json().path("cpuNanos").asDouble() / 1e9);
    v.put("jitMillis", r.json().path("jitMillis").asDouble());
    v.put("peakHeapMiB", r.json().path("peakHeapBytes").asDouble() / MIB);
    v.put("maxHeapMiB", r.json().path("maxHeapBytes").asDouble() / MIB);
    v.put("bytesSentMiB", r.json().path("bytesSent").asDouble() / MIB);
    if (warm) {
      v.put("warmupPasses", r.json().path("warmupPasses").asDouble());
    }
    bench.add(new Sample(round, "push", mib + " MiB", warm ? SDK_PUSH : SDK_PUSH_COLD, 0, v));
  }

  private void pushSkopeo(int round, LocalRegistry registry, int mib, Path layout) {
    String target = registry.ref(String.format(Locale.ROOT, "push-skopeo-%d-r%d:v1", mib, round));
    long cpu0 = Machine.childrenCpuNanos();
    long t0 = System.nanoTime();
    Tool.run(
        List.of(
            "skopeo",
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            "oci:" + layout + ":v1",
            "docker://" + target),
        Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("seconds", seconds);
    v.put("cpuSeconds", (Machine.childrenCpuNanos() - cpu0) / 1e9);
    bench.add(new Sample(round, "push", mib + " MiB", "skopeo copy", 0, v));
  }

  // ------------------------------------------------------------------------ copy

  private void copy(int round, BenchMain.Target t) {
    CountingProxy proxy = proxies.get(t.mode());
    String host = "127.0.0.1:" + proxy.port();
    List<String> params = new ArrayList<>();
    params.add("from=" + host + "/copy-src:v1");
    params.add("to=" + host + "/copy-dst-r" + round + ":v1");
    if (t.auth()) {
      params.add("user=" + BenchMain.USER);
      params.add("password=" + BenchMain.PASSWORD);
    }
    proxy.reset();
    BenchMain.WorkerResult r = bench.runWorker("copy-sdk", List.of("-Xmx512m"), params, Map.of());
    long wire = proxy.clientBytes();
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("seconds", r.json().path("wallNanos").asDouble() / 1e9);
    v.put("layerBytesSent", r.json().path("bytesSent").asDouble());
    v.put("blobsMounted", r.json().path("blobsMounted").asDouble());
    v.put("blobsCopied", r.json().path("blobsCopied").asDouble());
    v.put("wireBytesToRegistry", (double) wire);
    v.put("layerBytes", (double) copyLayerBytes);
    bench.add(new Sample(round, "copy", t.mode(), "SDK copy", 0, v));
  }

  // ------------------------------------------------------------------------ GraphQL

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
    v.put("peakHeapMiB", r.json().path("peakHeapBytes").asDouble() / MIB);
    v.put("maxHeapMiB", r.json().path("maxHeapBytes").asDouble() / MIB);
    bench.add(new Sample(round, "graphql", "emulator", "SDK releases().stream", 0, v));
  }

  // ------------------------------------------------------------------------ cold start

  /** The cold-start commands, by the name the report gives them. */
  static final String COLD_LAUNCHER = "flyreg manifest inspect";

  static final String COLD_PLAIN = "java -jar flyreg.jar manifest inspect";
  static final String COLD_SKOPEO = "skopeo inspect";

  private void coldStart(int round, BenchMain.Target t) {
    String ref = t.presentRef();
    Map<String, String> commands = new LinkedHashMap<>();
    commands.put(COLD_LAUNCHER, bench.options().flyreg() + " manifest inspect " + ref);
    if (bench.options().flyregPlain() != null) {
      commands.put(COLD_PLAIN, bench.options().flyregPlain() + " manifest inspect " + ref);
    }
    commands.put(COLD_SKOPEO, "skopeo inspect --raw --tls-verify=false docker://" + ref);
    int runs = bench.options().quick() ? 5 : 10;
    Map<String, List<Double>> times = new LinkedHashMap<>();
    if (Tool.exists("hyperfine")) {
      try {
        Path json = Files.createTempFile(bench.work(), "hyperfine-", ".json");
        List<String> argv =
            new ArrayList<>(
                List.of(
                    "hyperfine",
                    "--style",
                    "none",
                    "--warmup",
                    "1",
                    "--runs",
                    String.valueOf(runs),
                    "--export-json",
                    json.toString()));
        argv.addAll(commands.values());
        Tool.run(argv, Duration.ofMinutes(10));
        JsonNode results = JSON.readTree(json.toFile()).path("results");
        int i = 0;
        for (String name : commands.keySet()) {
          times.put(name, seconds(results.path(i++).path("times")));
        }
      } catch (IOException e) {
        throw new IllegalStateException("hyperfine output unreadable", e);
      }
    } else {
      commands.keySet().forEach(name -> times.put(name, new ArrayList<>()));
      for (int i = 0; i < runs + 1; i++) {
        for (Map.Entry<String, String> c : commands.entrySet()) {
          double s = timeShell(c.getValue());
          if (i > 0) { // the first run of each is a warm-up, as with hyperfine
            times.get(c.getKey()).add(s);
          }
        }
      }
    }
    times.forEach(
        (client, list) -> {
          Stats s = Stats.of(list);
          bench.add(
              new Sample(
                  round,
                  "cold",
                  "no auth",
                  client,
                  0,
                  Map.of(
                      "medianMs",
                      s.median() * 1000,
                      "minMs",
                      s.min() * 1000,
                      "maxMs",
                      s.max() * 1000)));
        });
  }

  private static List<Double> seconds(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asDouble()));
    if (out.isEmpty()) {
      throw new IllegalStateException("hyperfine reported no times");
    }
    return out;
  }

  private static double timeShell(String command) {
    long t0 = System.nanoTime();
    Tool.run(List.of("sh", "-c", command + " > /dev/null"), Duration.ofMinutes(2));
    return (System.nanoTime() - t0) / 1e9;
  }

  @Override
  public void close() throws IOException {
    for (CountingProxy p : proxies.values()) {
      p.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  // ------------------------------------------------------------------------ report

  static List<Targets.Outcome> targets(List<Sample> samples, Options options) {
    Targets t = new Targets(samples, options.rounds());
    List<Targets.Outcome> out = new ArrayList<>();
    for (int mib : options.pushMiB()) {
      String mode = mib + " MiB";
      out.add(
          t.ratioAtMost(
              "Push time no worse than skopeo's (" + mode + " layer)",
              r ->
                  t.value(r, "push", mode, SDK_PUSH, 0, "seconds")
                      / t.value(r, "push", mode, "skopeo copy", 0, "seconds"),
              1.0,
              false,
              "SDK push time (a JVM that pushed before, as in a service) ÷ `skopeo copy` time from"
                  + " the same OCI layout, per round; the fresh-JVM push is in the table below"));
      double peak = Double.NaN;
      for (Sample s : samples) {
        if (s.measurement().equals("push")
            && s.mode().equals(mode)
            && (s.client().equals(SDK_PUSH) || s.client().equals(SDK_PUSH_COLD))) {
          peak = Double.isNaN(peak) ? s.get("peakHeapMiB") : Math.max(peak, s.get("peakHeapMiB"));
        }
      }
      out.add(
          new Targets.Outcome(
              "SDK peak heap under 64 MiB (" + mode + " layer)",
              Double.isNaN(peak) ? "n/a" : String.format(Locale.ROOT, "at most %.1f MiB", peak),
              Double.isNaN(peak) ? null : peak < 64,
              "the push ran in a JVM with `-Xmx64m`; sum of the heap pools' peak usage, the worst round"));
    }
    for (String mode : List.of("no auth", "token")) {
      double layer = Double.NaN;
      double wire = Double.NaN;
      for (Sample s : samples) {
        if (s.measurement().equals("copy") && s.mode().equals(mode)) {
          layer =
              Double.isNaN(layer)
                  ? s.get("layerBytesSent")
                  : Math.max(layer, s.get("layerBytesSent"));
          wire =
              Double.isNaN(wire)
                  ? s.get("wireBytesToRegistry")
                  : Math.max(wire, s.get("wireBytesToRegistry"));
        }
      }
      if (!options.runs("copy")) {
        continue;
      }
      out.add(
          new Targets.Outcome(
              "Copy within a registry sends 0 bytes of layer data (" + mode + ")",
              Double.isNaN(layer)
                  ? "n/a"
                  : String.format(
                      Locale.ROOT,
                      "%,.0f layer bytes (CopyResult); %,.0f bytes on the wire in all",
                      layer,
                      wire),
              Double.isNaN(layer) ? null : layer == 0 && wire < COPY_LAYER_MIB * MIB,
              "`CopyResult.bytesSent`, and every byte the client sent through a counting TCP relay in"
                  + " front of the registry (requests, headers, bodies) against the "
                  + COPY_LAYER_MIB
                  + " MiB layer; the worst round"));
    }
    return out;
  }

  static String sections(Report report, List<Sample> samples, Options options, List<String> notes) {
    StringBuilder md = new StringBuilder();
    md.append("## 2. Push\n\n");
    if (samples.stream().anyMatch(s -> s.measurement().equals("push"))) {
      md.append(
          "One image with one layer of random (incompressible) bytes, gzip-compressed, in an OCI"
              + " layout; each set of pushes goes to a no-auth registry started for that set, each"
              + " client to its own repository (so no layer is found from an earlier push, and"
              + " skopeo's blob-info cache cannot mount from one). SDK:"
              + " `RegistryClient.push(ImageSource.ociLayout(dir, \"v1\"), ref)` in a worker JVM"
              + " started with `-Xmx64m`, time measured in that JVM from the push call to its return,"
              + " with a new client. **SDK push**: the worker first pushed "
              + WARM_LAYER_MIB
              + " MiB images of its own, each with another client to another repository, until the"
              + " JIT compiler was quiet (the existence workers' rule, at most "
              + options.warmupPasses()
              + " pushes): a service that pushes images has done so before, and the JIT compiler"
              + " and class loading are behind it; **SDK push, fresh"
              + " JVM**: the measured push is the JVM's first (what a one-shot command pays)."
              + " skopeo: `skopeo copy oci:DIR:v1 docker://...` as a process (time from spawn to"
              + " exit). The three run back to back in each round, skopeo in the middle and the"
              + " two SDK runs in alternating order.\n\n");
      md.append(
          "| layer | client | time (s) | MiB/s | CPU (s) | peak heap (MiB) |\n"
              + "| --- | --- | ---: | ---: | ---: | ---: |\n");
      for (int mib : options.pushMiB()) {
        for (String client : List.of(SDK_PUSH, SDK_PUSH_COLD, "skopeo copy")) {
          Predicate<Sample> p =
              s ->
                  s.measurement().equals("push")
                      && s.mode().equals(mib + " MiB")
                      && s.client().equals(client);
          md.append(
              Report.row(
                  mib + " MiB",
                  client,
                  report.stat(p, "seconds", 2),
                  report.stat(p, "MiBPerSecond", 0),
                  report.stat(p, "cpuSeconds", 2),
                  report.stat(p, "peakHeapMiB", 1)));
        }
      }
      md.append('\n');
    } else {
      md.append(notMeasured(options, "push"));
    }
    md.append("## 3. Copy between apps\n\n");
    if (samples.stream().anyMatch(s -> s.measurement().equals("copy"))) {
      md.append(
          "`RegistryClient.copy(copy-src:v1, copy-dst-rN:v1)` within one registry; the source holds a "
              + COPY_LAYER_MIB
              + " MiB layer. The client talks to the registry through a counting TCP relay, so the bytes on"
              + " the wire are measured independently of the SDK's own `CopyResult`.\n\n");
      md.append(
          "| mode | time (s) | layer bytes sent (CopyResult) | blobs mounted | blobs copied |"
              + " bytes on the wire to the registry |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
      for (String mode : List.of("no auth", "token")) {
        Predicate<Sample> p = s -> s.measurement().equals("copy") && s.mode().equals(mode);
        if (samples.stream().noneMatch(p)) {
          continue;
        }
        md.append(
            Report.row(
                mode,
                report.stat(p, "seconds", 3),
                report.stat(p, "layerBytesSent", 0),
                report.stat(p, "blobsMounted", 0),
                report.stat(p, "blobsCopied", 0),
                report.stat(p, "wireBytesToRegistry", 0)));
      }
      md.append('\n');
    } else {
      md.append(notMeasured(options, "copy"));
    }
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
      md.append(
              Report.row(
                  "SDK releases().stream",
                  report.stat(p, "seconds", 2),
                  report.stat(p, "releasesPerSecond", 0),
                  report.stat(p, "cpuSeconds", 2),
                  report.stat(p, "peakHeapMiB", 1),
                  report.stat(p, "maxHeapMiB", 0)))
          .append('\n');
    } else {
      md.append(notMeasured(options, "graphql"));
    }
    md.append("## 5. Cold start\n\n");
    if (samples.stream().anyMatch(s -> s.measurement().equals("cold"))) {
      md.append(
          "One manifest check of a present tag as a fresh process each time, on the no-auth registry"
              + " (hyperfine when installed, one warm-up run; else an interleaved loop, also after one"
              + " warm-up run). The figures are the per-round medians of the runs; the table shows their"
              + " median over rounds with min–max. `flyreg` is the repository's launcher (`./flyreg`, copied"
              + " with the jar into the work directory): the first run after a build records a"
              + " class-data-sharing archive of the classes it loaded (the warm-up run does it here), later"
              + " runs map it, and short commands such as this one run with the C1 compiler only. `java"
              + " -jar flyreg.jar` is the same jar with no JVM options.\n\n");
      md.append(
          "| command | median (ms) | fastest run (ms) | slowest run (ms) |\n| --- | ---: | ---: | ---: |\n");
      for (String client : List.of(COLD_LAUNCHER, COLD_PLAIN, COLD_SKOPEO)) {
        if (samples.stream().noneMatch(s -> s.client().equals(client))) {
          continue;
        }
        Predicate<Sample> p = s -> s.measurement().equals("cold") && s.client().equals(client);
        md.append(
            Report.row(
                client,
                report.stat(p, "medianMs", 0),
                report.stat(p, "minMs", 0),
                report.stat(p, "maxMs", 0)));
      }
      md.append('\n');
    } else {
      md.append(notMeasured(options, "cold"));
    }
    return md.toString();
  }

  private static String notMeasured(Options options, String skipName) {
    if (!options.runs(skipName)) {
      return "Not measured: skipped with `--skip " + skipName + "`.\n\n";
    }
    return "Not measured in this run: see the notes below.\n\n";
  }
}
