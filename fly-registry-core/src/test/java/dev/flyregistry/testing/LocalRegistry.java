package dev.flyregistry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The CNCF distribution registry (Debian's {@code docker-registry}, version 2.8.2) running as a
 * child process on 127.0.0.1 with an ephemeral port, its own temporary storage and a generated
 * configuration. For the real-registry integration suite.
 *
 * <p>Modes: {@link Mode#NOAUTH}; {@link Mode#HTPASSWD} (HTTP Basic, bcrypt htpasswd file made with
 * {@code htpasswd -Bbn}, users {@link #USER}/{@link #PASSWORD} and the Fly-style {@link
 * #FLY_USER}/{@link #FLY_PASSWORD}); {@link Mode#TOKEN} (Bearer tokens from an issuer the caller
 * runs, see {@link TokenAuth}).
 *
 * <p>A missing {@code docker-registry} (or, for HTPASSWD, {@code htpasswd}) binary is an error,
 * never a reason to skip: the suite must fail where the registry is not installed.
 *
 * <p>The registry's log goes to a file outside the storage directory that {@link #close()} keeps,
 * so a failed run can be diagnosed: under the directory named by the system property {@value
 * #LOG_DIR_PROPERTY} (the build sets {@code target/local-registry}), else the temp dir.
 */
public final class LocalRegistry implements AutoCloseable {

  /** Authentication mode of the registry. */
  public enum Mode {
    /** No authentication. */
    NOAUTH,
    /** HTTP Basic authentication against a bcrypt htpasswd file. */
    HTPASSWD,
    /** Bearer tokens issued by an external token service. */
    TOKEN
  }

  /**
   * Token-auth settings of the registry ({@code auth.token} in its configuration).
   *
   * @param realm the token endpoint URL put in the {@code WWW-Authenticate} challenge
   * @param service the service name the tokens' {@code aud} must carry
   * @param issuer the issuer the tokens' {@code iss} must carry
   * @param rootCertBundle PEM file with the certificate(s) whose keys sign the tokens
   */
  public record TokenAuth(String realm, String service, String issuer, Path rootCertBundle) {
    /** Checks that every field is present. */
    public TokenAuth {
      Objects.requireNonNull(realm, "realm");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(rootCertBundle, "rootCertBundle");
    }
  }

  /** Username of the ordinary htpasswd account. */
  public static final String USER = "testuser";

  /** Password of {@link #USER}. */
  public static final String PASSWORD = "testpassword";

  /** Username of the Fly-style account: registry.fly.io takes {@code x} and the Fly token. */
  public static final String FLY_USER = "x";

  /** Password of {@link #FLY_USER}: shaped like a Fly macaroon token, not a real one. */
  public static final String FLY_PASSWORD = "fm2_fixture-token-0000";

  /** System property naming the directory where registry logs are kept. */
  public static final String LOG_DIR_PROPERTY = "flyregistry.localRegistry.logDir";

  /** System property naming the registry binary (default {@code docker-registry} on PATH). */
  public static final String BINARY_PROPERTY = "flyregistry.localRegistry.binary";

  /** System property: {@code true} keeps the registry's per-request access log. */
  public static final String ACCESS_LOG_PROPERTY = "flyregistry.localRegistry.accessLog";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Mode mode;
  private final Path workDir;
  private final Path logFile;
  private final int port;
  private final Process process;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private LocalRegistry(Mode mode, Path workDir, Path logFile, int port, Process process) {
    this.mode = mode;
    this.workDir = workDir;
    this.logFile = logFile;
    this.port = port;
    this.process = process;
    this.shutdownHook = new Thread(this::kill, "local-registry-" + port + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * @return a started registry without authentication
   */
  public static LocalRegistry startNoAuth() {
    return start(Mode.NOAUTH, null);
  }

  /**
   * @return a started registry with HTTP Basic authentication ({@link #USER} and {@link #FLY_USER})
   */
  public static LocalRegistry startHtpasswd() {
    return start(Mode.HTPASSWD, null);
  }

  /**
   * @param tokenAuth where tokens come from and how the registry verifies them
   * @return a started registry with Bearer token authentication
   */
  public static LocalRegistry startToken(TokenAuth tokenAuth) {
    return start(Mode.TOKEN, Objects.requireNonNull(tokenAuth, "tokenAuth"));
  }

  /**
   * Starts a registry and waits until {@code /v2/} answers 200 or 401.
   *
   * @param mode the authentication mode
   * @param tokenAuth the token settings; required for {@link Mode#TOKEN}, ignored otherwise
   * @return the started registry
   * @throws IllegalStateException when a binary is missing or the registry does not come up
   */
  public static LocalRegistry start(Mode mode, TokenAuth tokenAuth) {
    Objects.requireNonNull(mode, "mode");
    if (mode == Mode.TOKEN && tokenAuth == null) {
      throw new IllegalArgumentException("TOKEN mode needs TokenAuth settings");
    }
    String binary = registryBinary();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("local-registry-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir for the registry", e);
    }
    try {
      Path htpasswd = null;
      if (mode == Mode.HTPASSWD) {
        htpasswd = workDir.resolve("htpasswd");
        Files.writeString(
            htpasswd, bcryptEntry(USER, PASSWORD) + bcryptEntry(FLY_USER, FLY_PASSWORD));
      }
      IllegalStateException last = null;
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        int port = freePort();
        Path config = workDir.resolve("config-" + port + ".yml");
        Files.writeString(config, configYaml(mode, workDir, port, htpasswd, tokenAuth));
        Path log = logDir().resolve("registry-" + mode.name().toLowerCase() + "-" + port + ".log");
        Files.createDirectories(log.getParent());
        Process p =
            new ProcessBuilder(binary, "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(workDir.toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(mode, workDir, log, port, p);
        try {
          registry.awaitReady();
          return registry;
        } catch (IllegalStateException e) {
          registry.kill();
          registry.removeShutdownHook();
          last = e;
          // Another process may have taken the port between probe and bind: try a new one.
          if (!registry.logTail(20).contains("address already in use")) {
            break;
          }
        }
      }
      throw last;
    } catch (IOException e) {
      deleteTree(workDir);
      throw new UncheckedIOException("cannot start the registry (" + binary + ")", e);
    } catch (RuntimeException e) {
      deleteTree(workDir);
      throw e;
    }
  }

  /**
   * @return the registry mode
   */
  public Mode mode() {
    return mode;
  }

  /**
   * @return {@code 127.0.0.1:PORT}, the registry part of image references
   */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /**
   * @return the port the registry listens on
   */
  public int port() {
    return port;
  }

  /**
   * @return {@code http://127.0.0.1:PORT}
   */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  /**
   * @return the temporary directory holding config and storage (deleted by {@link #close()})
   */
  public Path workDir() {
    return workDir;
  }

  /**
   * @return the registry's log file (kept after {@link #close()})
   */
  public Path logFile() {
    return logFile;
  }

  /**
   * @param repositoryAndTag {@code name:tag} or {@code name@digest}
   * @return {@code 127.0.0.1:PORT/name:tag}
   */
  public String ref(String repositoryAndTag) {
    return host() + "/" + repositoryAndTag;
  }

  /**
   * @param lines how many lines
   * @return the last lines of the registry's log, for failure messages
   */
  public String logTail(int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "";
      }
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /**
   * @return whether the registry process is alive
   */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the registry process (and any children) and deletes its storage directory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    kill();
    removeShutdownHook();
    deleteTree(workDir);
  }

  @Override
  public String toString() {
    return "LocalRegistry[" + mode + " at " + host() + ", log " + logFile + "]";
  }

  private void kill() {
    List<ProcessHandle> children = new ArrayList<>();
    process.descendants().forEach(children::add);
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already; the hook runs anyway
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ping =
        HttpRequest.newBuilder(baseUri().resolve("/v2/")).timeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    String lastProblem = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry ("
                + mode
                + ") exited with status "
                + process.exitValue()
                + " before answering on "
                + host()
                + "; log "
                + logFile
                + ":\n"
                + logTail(40));
      }
      try {
        int status = http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || status == 401) {
          return;
        }
        lastProblem = "GET /v2/ answered " + status;
      } catch (IOException e) {
        lastProblem = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
    }
    throw new IllegalStateException(
        "docker-registry ("
            + mode
            + ") did not answer on "
            + host()
            + " within "
            + STARTUP_TIMEOUT.toSeconds()
            + " s ("
            + lastProblem
            + "); log "
            + logFile
            + ":\n"
            + logTail(40));
  }

  static String configYaml(Mode mode, Path workDir, int port, Path htpasswd, TokenAuth token) {
    boolean accessLog = Boolean.getBoolean(ACCESS_LOG_PROPERTY);
    StringBuilder y = new StringBuilder();
    y.append("version: 0.1\n");
    y.append("log:\n");
    y.append("  level: ").append(accessLog ? "info" : "error").append('\n');
    y.append("  accesslog:\n");
    y.append("    disabled: ").append(!accessLog).append('\n');
    y.append("storage:\n");
    y.append("  filesystem:\n");
    y.append("    rootdirectory: ").append(quote(workDir.resolve("data").toString())).append('\n');
    y.append("  delete:\n");
    y.append("    enabled: true\n");
    y.append("  cache:\n");
    y.append("    blobdescriptor: inmemory\n");
    y.append("http:\n");
    y.append("  addr: 127.0.0.1:").append(port).append('\n');
    y.append("  secret: ").append(quote(randomSecret())).append('\n');
    y.append("  headers:\n");
    y.append("    X-Content-Type-Options: [nosniff]\n");
    switch (mode) {
      case NOAUTH:
        break;
      case HTPASSWD:
        y.append("auth:\n");
        y.append("  htpasswd:\n");
        y.append("    realm: local-registry\n");
        y.append("    path: ").append(quote(htpasswd.toString())).append('\n');
        break;
      case TOKEN:
        y.append("auth:\n");
        y.append("  token:\n");
        y.append("    realm: ").append(quote(token.realm())).append('\n');
        y.append("    service: ").append(quote(token.service())).append('\n');
        y.append("    issuer: ").append(quote(token.issuer())).append('\n');
        y.append("    rootcertbundle: ")
            .append(quote(token.rootCertBundle().toAbsolutePath().toString()))
            .append('\n');
        break;
      default:
        throw new IllegalArgumentException("unknown mode " + mode);
    }
    return y.toString();
  }

  /** YAML double-quoted scalar. */
  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String randomSecret() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String bcryptEntry(String user, String password) throws IOException {
    String htpasswd = Tools.require("htpasswd", "apache2-utils");
    Tools.Result r =
        Tools.run(
            List.of(htpasswd, "-Bbn", user, password), Duration.ofSeconds(30), null, "htpasswd");
    String line = r.stdoutText().strip();
    if (!line.startsWith(user + ":$2")) {
      throw new IllegalStateException("htpasswd -B gave no bcrypt entry for " + user);
    }
    return line + "\n";
  }

  private static String registryBinary() {
    String configured = System.getProperty(BINARY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(
            BINARY_PROPERTY + "=" + configured + " is not an executable file");
      }
      return p.toString();
    }
    return Tools.require("docker-registry", "docker-registry");
  }

  private static Path logDir() {
    String dir = System.getProperty(LOG_DIR_PROPERTY);
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "local-registry-logs");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort: a leftover temp file must not fail a test
                }
              });
    } catch (IOException e) {
      // best effort
    }
  }
}
