package dev.flyregistry.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.auth.CredentialHelperException;
import dev.flyregistry.auth.CredentialHelperException.Reason;
import dev.flyregistry.auth.RegistryCredential;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs {@code docker-credential-<name> get}: the server URL on stdin, {@code {"ServerURL",
 * "Username", "Secret"}} on stdout; "credentials not found" (any exit status) means no credential.
 */
public final class CredentialHelperRunner {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_OUTPUT = 1 << 20;

  /** Reads helper output off the calling thread so that the timeout holds even on a stuck pipe. */
  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fly-registry-credential-helper");
            t.setDaemon(true);
            return t;
          });

  private final List<Path> searchPath;
  private final Duration timeout;

  /**
   * @param searchPath directories searched for {@code docker-credential-<name>}
   * @param timeout how long a helper may run before it is killed
   */
  public CredentialHelperRunner(List<Path> searchPath, Duration timeout) {
    this.searchPath = List.copyOf(searchPath);
    this.timeout = timeout;
  }

  /**
   * @return the directories of the {@code PATH} environment variable
   */
  public static List<Path> systemPath() {
    String path = System.getenv("PATH");
    if (path == null || path.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .toList();
  }

  /**
   * @param name the helper name as written in {@code config.json} ({@code pass}, {@code desktop},
   *     ...)
   * @param serverUrl what the helper gets on stdin
   * @param configuredIn describes where the helper was named, for messages
   * @return the credential, or empty when the helper has none for that server
   * @throws CredentialHelperException when the helper is missing, fails, hangs or answers garbage
   */
  public Optional<RegistryCredential> get(String name, String serverUrl, String configuredIn) {
    String program = "docker-credential-" + name;
    if (!NAME.matcher(name).matches()) {
      throw new CredentialHelperException(
          program,
          Reason.NOT_INSTALLED,
          "invalid credential helper name \"" + name + "\" in " + configuredIn,
          null);
    }
    Path exe = find(program);
    if (exe == null) {
      throw new CredentialHelperException(
          program,
          Reason.NOT_INSTALLED,
          "credential helper "
              + program
              + " (named in "
              + configuredIn
              + ") is not installed: no executable "
              + program
              + " on the PATH",
          null);
    }
    Process process;
    try {
      process = new ProcessBuilder(exe.toString(), "get").start();
    } catch (IOException e) {
      throw new CredentialHelperException(
          program, Reason.FAILED, "cannot start credential helper " + program + ": " + e, e);
    }
    try {
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> readLimited(process.getInputStream()), READERS);
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readLimited(process.getErrorStream()), READERS);
      try (OutputStream in = process.getOutputStream()) {
        in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // The helper may exit without reading stdin; its exit status tells the rest.
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new CredentialHelperException(
            program,
            Reason.TIMED_OUT,
            "credential helper " + program + " did not answer within " + timeout + "; killed it",
            null);
      }
      byte[] stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      byte[] stderr = err.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String outText = new String(stdout, StandardCharsets.UTF_8).strip();
      String errText = new String(stderr, StandardCharsets.UTF_8).strip();
      if (notFound(outText) || notFound(errText)) {
        return Optional.empty();
      }
      if (process.exitValue() != 0) {
        throw new CredentialHelperException(
            program,
            Reason.FAILED,
            "credential helper "
                + program
                + " failed for "
                + serverUrl
                + " (exit status "
                + process.exitValue()
                + "): "
                + abbreviate(errText.isEmpty() ? outText : errText),
            null);
      }
      return Optional.of(parse(program, serverUrl, stdout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      throw new CredentialHelperException(
          program, Reason.FAILED, "interrupted while running " + program, e);
    } catch (ExecutionException | TimeoutException e) {
      kill(process);
      throw new CredentialHelperException(
          program, Reason.FAILED, "cannot read the output of " + program + ": " + e, e);
    }
  }

  private Path find(String program) {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    for (Path dir : searchPath) {
      for (String candidate : windows ? List.of(program + ".exe", program) : List.of(program)) {
        Path p = dir.resolve(candidate);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  private static RegistryCredential parse(String program, String serverUrl, byte[] stdout) {
    JsonNode node;
    try {
      node = JSON.readTree(stdout);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new CredentialHelperException(
          program,
          Reason.BAD_OUTPUT,
          "credential helper " + program + " printed something other than a JSON object",
          null);
    }
    JsonNode username = node.get("Username");
    JsonNode secret = node.get("Secret");
    if (secret == null || !secret.isTextual() || (username != null && !username.isTextual())) {
      throw new CredentialHelperException(
          program,
          Reason.BAD_OUTPUT,
          "credential helper " + program + " answered without a textual Secret for " + serverUrl,
          null);
    }
    String user = username == null ? "" : username.asText();
    String source = program;
    // Docker's convention: the username "<token>" marks an identity (refresh) token.
    if (user.equals("<token>")) {
      return RegistryCredential.identityToken("", secret.asText(), source);
    }
    if (user.indexOf(':') >= 0) {
      throw new CredentialHelperException(
          program,
          Reason.BAD_OUTPUT,
          "credential helper " + program + " answered a username containing ':'",
          null);
    }
    return RegistryCredential.basic(user, secret.asText(), source);
  }

  private static boolean notFound(String text) {
    return text.toLowerCase(Locale.ROOT).contains("credentials not found");
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  private static byte[] readLimited(InputStream in) {
    try (in) {
      byte[] all = in.readNBytes(MAX_OUTPUT);
      in.transferTo(OutputStream.nullOutputStream());
      return all;
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
