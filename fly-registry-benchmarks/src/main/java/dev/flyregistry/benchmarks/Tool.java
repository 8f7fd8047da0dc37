package dev.flyregistry.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an external command to completion, capturing its output. */
final class Tool {
  private Tool() {}

  record Result(List<String> command, int exitCode, String stdout, String stderr) {}

  /** Runs the command; a non-zero exit is an error. */
  static Result run(List<String> command, Duration timeout) {
    Result r = runAllowingFailure(command, timeout);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", redact(command)) + " exited " + r.exitCode() + ": " + r.stderr());
    }
    return r;
  }

  static Result runAllowingFailure(List<String> command, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
      }
      return new Result(command, p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The first line of a command's output, or empty when it cannot run. */
  static String firstLine(List<String> command) {
    try {
      Result r = runAllowingFailure(command, Duration.ofSeconds(20));
      String text = (r.stdout() + "\n" + r.stderr()).strip();
      int nl = text.indexOf('\n');
      return nl < 0 ? text : text.substring(0, nl).strip();
    } catch (RuntimeException e) {
      return "";
    }
  }

  static boolean exists(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ")";
    }
  }

  private static List<String> redact(List<String> command) {
    return command.stream()
        .map(a -> a.startsWith("Authorization:") ? "Authorization: <redacted>" : a)
        .map(a -> a.contains(BenchMain.PASSWORD) ? "<credentials>" : a)
        .toList();
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }
}
