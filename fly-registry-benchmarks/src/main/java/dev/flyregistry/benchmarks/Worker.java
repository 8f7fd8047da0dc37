package dev.flyregistry.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.graphql.Release;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.registry.CopyResult;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.PushResult;
import dev.flyregistry.registry.RegistryClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * One client measurement in a fresh JVM, so that its process CPU time and its sockets are its own.
 *
 * <p>Protocol with {@link BenchMain}: arguments {@code TASK key=value...}; the worker warms up with
 * a client of its own (closed afterwards), prints {@code READY}, waits for a line on stdin, runs
 * the measured operation with a fresh client, and prints {@code RESULT <json>}. The existence tasks
 * repeat that ({@code READY}, a line, {@code RESULT}) {@code runs} times. Process CPU time ({@code
 * OperatingSystemMXBean.getProcessCpuTime()}) and wall time cover the measured part only; sockets
 * are counted right after it, before the client is closed.
 */
public final class Worker {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Worker() {}

  /**
   * @param args the task ({@code exists-sdk}, {@code exists-jib}, {@code graphql-sdk}) and its
   *     {@code key=value} parameters
   * @throws Exception on any failure (the harness reports the stderr)
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: Worker TASK key=value...");
    }
    Map<String, String> p = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("not key=value: " + args[i]);
      }
      p.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Map<String, Object> result =
        switch (args[0]) {
          case "exists-sdk" -> repeat(p, existsSdk(p));
          case "exists-jib" -> repeat(p, existsJib(p));
          case "exists-bare" -> repeat(p, existsBare(p));
          case "graphql-sdk" -> graphqlSdk(p);
          case "push-sdk" -> pushSdk(p);
          case "copy-sdk" -> copySdk(p);
          default -> throw new IllegalArgumentException("unknown task " + args[0]);
        };
    printResult(result);
    System.exit(0);
  }

  private static void printResult(Map<String, Object> result) throws Exception {
    System.out.println("RESULT " + JSON.writeValueAsString(result));
    System.out.flush();
  }

  /** A measured run, repeatable in the same JVM: each run builds its own client. */
  interface Run {
    Map<String, Object> run() throws Exception;
  }

  /**
   * Runs the measured operation {@code runs} times (parameter, default 1), each after its own
   * {@code GO}: the harness alternates the runs of several warmed-up workers, so that clients it
   * compares are measured close together in time. Every result but the last is printed here; the
   * last is returned for {@link #main} to print.
   */
  private static Map<String, Object> repeat(Map<String, String> p, Run run) throws Exception {
    int runs = Integer.parseInt(p.getOrDefault("runs", "1"));
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be >= 1: " + runs);
    }
    for (int i = 1; i < runs; i++) {
      awaitGo();
      printResult(run.run());
    }
    awaitGo();
    return run.run();
  }

  // ------------------------------------------------------------------ existence, the SDK

  private static Run existsSdk(Map<String, String> p) throws Exception {
    List<String> refTexts = Files.readAllLines(Path.of(p.get("refs")));
    List<ImageReference> refs = refTexts.stream().map(ImageReference::parse).toList();
    int concurrency = Integer.parseInt(p.get("concurrency"));
    int warmup = Integer.parseInt(p.getOrDefault("warmup", "0"));
    int port = Integer.parseInt(p.get("port"));
    Credentials credentials =
        p.containsKey("user")
            ? Credentials.basic(p.get("user"), p.get("password"))
            : Credentials.anonymous();
    HttpSettings http = HttpSettings.defaults().withMaxConcurrency(concurrency);
    int passes =
        warmUp(
            Integer.parseInt(p.getOrDefault("warmupPasses", "1")),
            () -> {
              try (RegistryClient warm =
                  RegistryClient.builder().credentials(credentials).http(http).build()) {
                warm.existsAll(refs.subList(0, Math.min(warmup, refs.size())));
              }
            });
    return () -> {
      Measure m = Measure.start();
      try (RegistryClient client =
          RegistryClient.builder().credentials(credentials).http(http).build()) {
        Map<ImageReference, Optional<Descriptor>> found = client.existsAll(refs);
        return existsResult(
            m,
            port,
            found.size(),
            found.values().stream().filter(Optional::isPresent).count(),
            passes);
      }
    };
  }

  /**
   * The result of a measured existence run: time and CPU (stopped first), then the sockets still
   * open to the registry, before the client is closed.
   */
  private static Map<String, Object> existsResult(
      Measure m, int port, int checks, long found, int warmupPasses) throws Exception {
    Map<String, Object> out = m.stop();
    out.put("sockets", ProcNet.establishedTo(port));
    out.put("checks", checks);
    out.put("found", found);
    out.put("warmupPasses", warmupPasses);
    return out;
  }

  // ------------------------------------------------------------------ existence, jib-core

  private static Run existsJib(Map<String, String> p) throws Exception {
    List<String> refs = Files.readAllLines(Path.of(p.get("refs")));
    int concurrency = Integer.parseInt(p.get("concurrency"));
    int warmup = Integer.parseInt(p.getOrDefault("warmup", "0"));
    int port = Integer.parseInt(p.get("port"));
    Credential credential =
        p.containsKey("user") ? Credential.from(p.get("user"), p.get("password")) : null;
    int passes =
        warmUp(
            Integer.parseInt(p.getOrDefault("warmupPasses", "1")),
            () -> {
              JibChecker warm = new JibChecker(credential, concurrency);
              try {
                warm.checkAll(refs.subList(0, Math.min(warmup, refs.size())));
              } finally {
                warm.close();
              }
            });
    return () -> {
      Measure m = Measure.start();
      JibChecker checker = new JibChecker(credential, concurrency);
      try {
        long found = checker.checkAll(refs);
        return existsResult(m, port, refs.size(), found, passes);
      } finally {
        checker.close();
      }
    };
  }

  /**
   * Checks manifests the way Jib does ({@code RegistryClient.checkManifest(tag)}: a GET of the
   * manifest): one {@code FailoverHttpClient} (one connection pool) shared by one Jib {@code
   * RegistryClient} per repository (Jib's client is bound to one image), a fixed thread pool.
   */
  private static final class JibChecker {
    private final Credential credential;
    private final FailoverHttpClient http;
    private final ExecutorService pool;
    private final Map<String, com.google.cloud.tools.jib.registry.RegistryClient> clients =
        new HashMap<>();

    JibChecker(Credential credential, int concurrency) {
      this.credential = credential;
      // Plain HTTP to the loopback registry (Jib tries HTTPS first, then falls back), and
      // credentials over it.
      this.http = new FailoverHttpClient(true, true, event -> {});
      this.pool = Executors.newFixedThreadPool(concurrency);
    }

    private synchronized com.google.cloud.tools.jib.registry.RegistryClient client(
        String registry, String repository) throws Exception {
      String key = registry + "/" + repository;
      com.google.cloud.tools.jib.registry.RegistryClient c = clients.get(key);
      if (c == null) {
        com.google.cloud.tools.jib.registry.RegistryClient.Factory f =
            com.google.cloud.tools.jib.registry.RegistryClient.factory(
                EventHandlers.NONE, registry, repository, http);
        if (credential != null) {
          f.setCredential(credential);
        }
        c = f.newRegistryClient();
        if (credential != null) {
          c.doPullBearerAuth();
        }
        clients.put(key, c);
      }
      return c;
    }

    long checkAll(List<String> refs) throws Exception {
      List<Future<Boolean>> futures = new ArrayList<>(refs.size());
      for (String ref : refs) {
        int slash = ref.indexOf('/');
        int colon = ref.lastIndexOf(':');
        String registry = ref.substring(0, slash);
        String repository = ref.substring(slash + 1, colon);
        String tag = ref.substring(colon + 1);
        futures.add(pool.submit(() -> client(registry, repository).checkManifest(tag).isPresent()));
      }
      long found = 0;
      for (Future<Boolean> f : futures) {
        if (f.get()) {
          found++;
        }
      }
      return found;
    }

    void close() throws Exception {
      pool.shutdownNow();
      http.shutDown();
    }
  }

  // ------------------------------------------------------------------ existence, a bare loop

  /**
   * A reference point, not a peer: the least work a Java client can do per check. One kept-alive
   * socket; for each reference it writes a prepared {@code HEAD} request (the SDK's {@code Accept}
   * header and, in token mode, a minted pull token from {@code BENCH_PULL_TOKEN}) and reads the
   * answer's header block (a {@code HEAD} answer has no body), taking the status from its first
   * line. No HTTP library, no retries, no authentication flow.
   */
  private static Run existsBare(Map<String, String> p) throws Exception {
    List<String> refs = Files.readAllLines(Path.of(p.get("refs")));
    int warmup = Integer.parseInt(p.getOrDefault("warmup", "0"));
    int port = Integer.parseInt(p.get("port"));
    String token = System.getenv("BENCH_PULL_TOKEN");
    String accept = p.get("accept");
    int maxPasses = Integer.parseInt(p.getOrDefault("warmupPasses", "1"));
    int passes =
        warmUp(
            Math.min(4, maxPasses),
            maxPasses,
            () -> {
              try (BareClient warm = new BareClient(port, accept, token)) {
                warm.checkAll(refs.subList(0, Math.min(warmup, refs.size())));
              }
            });
    return () -> {
      Measure m = Measure.start();
      try (BareClient client = new BareClient(port, accept, token)) {
        long found = client.checkAll(refs);
        return existsResult(m, port, refs.size(), found, passes);
      }
    };
  }

  /** HTTP/1.1 {@code HEAD} requests over one kept-alive connection to 127.0.0.1. */
  static final class BareClient implements AutoCloseable {
    private final int port;
    private final String fixedHeaders;
    private final byte[] buffer = new byte[64 * 1024];
    private java.net.Socket socket;

    BareClient(int port, String accept, String token) {
      this.port = port;
      this.fixedHeaders =
          "Host: 127.0.0.1:"
              + port
              + "\r\nAccept: "
              + accept
              + "\r\n"
              + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
              + "\r\n";
    }

    /**
     * @param refs {@code registry/repository:tag} references of this registry
     * @return how many answered 200 (the others answered 404)
     */
    long checkAll(List<String> refs) throws java.io.IOException {
      long found = 0;
      for (String ref : refs) {
        String path = ref.substring(ref.indexOf('/') + 1);
        int colon = path.lastIndexOf(':');
        int status =
            head(
                "HEAD /v2/"
                    + path.substring(0, colon)
                    + "/manifests/"
                    + path.substring(colon + 1)
                    + " HTTP/1.1\r\n"
                    + fixedHeaders);
        if (status == 200) {
          found++;
        } else if (status != 404) {
          throw new IllegalStateException("HEAD " + ref + ": status " + status);
        }
      }
      return found;
    }

    private int head(String request) throws java.io.IOException {
      if (socket == null) {
        socket = new java.net.Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
      }
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      java.io.InputStream in = socket.getInputStream();
      int n = 0;
      while (n < 4
          || buffer[n - 4] != '\r'
          || buffer[n - 3] != '\n'
          || buffer[n - 2] != '\r'
          || buffer[n - 1] != '\n') {
        int k = in.read(buffer, n, buffer.length - n);
        if (k < 0) {
          throw new java.io.EOFException("the registry closed the connection");
        }
        n += k;
        if (n == buffer.length) {
          throw new IllegalStateException("answer header block over " + n + " bytes");
        }
      }
      // "HTTP/1.1 200 ...": the status is bytes 9 to 11 (no string is made of the answer; a
      // registry that closes the connection fails the next request loudly)
      if (n < 12 || buffer[0] != 'H' || buffer[8] != ' ') {
        throw new IllegalStateException(
            "not an HTTP status line: "
                + new String(buffer, 0, Math.min(n, 40), StandardCharsets.ISO_8859_1));
      }
      return (buffer[9] - '0') * 100 + (buffer[10] - '0') * 10 + (buffer[11] - '0');
    }

    @Override
    public void close() throws java.io.IOException {
      if (socket != null) {
        socket.close();
        socket = null;
      }
    }
  }

  // ------------------------------------------------------------------ push and copy

  private static Credentials credentials(Map<String, String> p) {
    return p.containsKey("user")
        ? Credentials.basic(p.get("user"), p.get("password"))
        : Credentials.anonymous();
  }

  private static Map<String, Object> pushSdk(Map<String, String> p) throws Exception {
    ImageSource source = ImageSource.ociLayout(Path.of(p.get("layout")), p.get("tag"));
    ImageReference target = ImageReference.parse(p.get("target"));
    int warmPushes = 0;
    if (p.containsKey("warmLayout")) {
      // pushes of a small image, each with a new client to a repository of its own (so that every
      // pass uploads), until the JIT compiler is quiet: the same rule as the existence workers
      ImageReference warmTarget = ImageReference.parse(p.get("warmTarget"));
      int[] pass = {0};
      warmPushes =
          warmUp(
              Integer.parseInt(p.getOrDefault("warmupPasses", "1")),
              () -> {
                try (RegistryClient warm =
                    RegistryClient.builder().credentials(credentials(p)).build()) {
                  warm.push(
                      ImageSource.ociLayout(Path.of(p.get("warmLayout")), "v1"),
                      ImageReference.of(
                          warmTarget.registry(),
                          warmTarget.repository() + "-" + pass[0]++,
                          warmTarget.tag().orElse("v1")));
                }
              });
    }
    try (RegistryClient client = RegistryClient.builder().credentials(credentials(p)).build()) {
      resetPeaks();
      awaitGo();
      Measure m = Measure.start();
      PushResult r = client.push(source, target);
      Map<String, Object> out = m.stop();
      out.put("bytesSent", r.bytesSent());
      out.put("blobsUploaded", r.blobsUploaded());
      out.put("blobsExisting", r.blobsExisting());
      out.put("digest", r.digest().toString());
      out.put("peakHeapBytes", peakHeapBytes());
      out.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      out.put("warmupPasses", warmPushes);
      return out;
    }
  }

  private static Map<String, Object> copySdk(Map<String, String> p) throws Exception {
    ImageReference from = ImageReference.parse(p.get("from"));
    ImageReference to = ImageReference.parse(p.get("to"));
    try (RegistryClient client = RegistryClient.builder().credentials(credentials(p)).build()) {
      awaitGo();
      Measure m = Measure.start();
      CopyResult r = client.copy(from, to);
      Map<String, Object> out = m.stop();
      out.put("bytesSent", r.bytesSent());
      out.put("blobsMounted", r.blobsMounted());
      out.put("blobsCopied", r.blobsCopied());
      out.put("blobsExisting", r.blobsExisting());
      out.put("digest", r.digest().toString());
      return out;
    }
  }

  // ------------------------------------------------------------------ GraphQL

  private static Map<String, Object> graphqlSdk(Map<String, String> p) throws Exception {
    String token = System.getenv("BENCH_FLY_TOKEN");
    if (token == null) {
      throw new IllegalArgumentException("BENCH_FLY_TOKEN is not set");
    }
    String endpoint = p.get("endpoint");
    String app = p.get("app");
    int warmup = Integer.parseInt(p.getOrDefault("warmup", "0"));
    try (GraphqlClient fly =
        GraphqlClient.builder().token(FlyToken.parse(token)).endpoint(endpoint).build()) {
      if (warmup > 0) {
        try (Stream<Release> s = fly.releases().stream(app)) {
          s.limit(warmup).forEach(r -> {});
        }
      }
      resetPeaks();
      awaitGo();
      Measure m = Measure.start();
      long n;
      try (Stream<Release> s = fly.releases().stream(app)) {
        n = s.count();
      }
      Map<String, Object> out = m.stop();
      out.put("releases", n);
      out.put("peakHeapBytes", peakHeapBytes());
      out.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      return out;
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A warm-up pass; may throw. */
  interface Pass {
    void run() throws Exception;
  }

  /**
   * Runs warm-up passes until the JIT compiler is quiet (it spent under 2% of a pass's wall time
   * compiling) or {@code maxPasses} ran: in a fresh JVM, compilation otherwise dominates the CPU
   * time of the first few thousand requests.
   *
   * @return the passes run
   */
  static int warmUp(int maxPasses, Pass pass) throws Exception {
    return warmUp(1, maxPasses, pass);
  }

  /**
   * {@link #warmUp(int, Pass)} with at least {@code minPasses} passes: a pass that is cheap in CPU
   * can look quiet to the rule while the JIT compiler has not yet compiled its hot loop.
   */
  static int warmUp(int minPasses, int maxPasses, Pass pass) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    int n = 0;
    while (n < maxPasses) {
      long c0 = jit.getTotalCompilationTime();
      long t0 = System.nanoTime();
      pass.run();
      n++;
      long compileMs = jit.getTotalCompilationTime() - c0;
      long wallMs = (System.nanoTime() - t0) / 1_000_000;
      if (n >= minPasses && compileMs < 0.02 * wallMs) {
        break;
      }
    }
    return n;
  }

  /** The harness's lines; one reader for the JVM's life, so no buffered line is lost. */
  private static final BufferedReader STDIN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  static void awaitGo() throws Exception {
    System.out.println("READY");
    System.out.flush();
    String line = STDIN.readLine();
    if (line == null) {
      throw new IllegalStateException("the harness closed stdin before GO");
    }
  }

  static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peak usage: an upper bound of the peak heap in use. */
  static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Wall time and this process's CPU time from start to stop. */
  record Measure(long wall0, long cpu0, long jit0) {
    static Measure start() {
      return new Measure(System.nanoTime(), cpuNanos(), jitMillis());
    }

    Map<String, Object> stop() {
      long cpu1 = cpuNanos();
      long wall1 = System.nanoTime();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("wallNanos", wall1 - wall0);
      out.put("cpuNanos", cpu1 - cpu0);
      out.put("jitMillis", jitMillis() - jit0);
      return out;
    }

    static long jitMillis() {
      return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    static long cpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean)
              ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
  }
}
