package dev.flyregistry.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Finds and runs the external programs of the real-registry suite. */
public final class Tools {

  private Tools() {}

  /**
   * The outcome of a finished command.
   *
   * @param command the command line, for messages
   * @param exitCode the exit status
   * @param stdout everything written to standard output
   * @param stderr everything written to standard error
   */
  public record Result(List<String> command, int exitCode, byte[] stdout, byte[] stderr) {

    /** Defensive copies. */
    public Result {
      command = List.copyOf(command);
      stdout = stdout.clone();
      stderr = stderr.clone();
    }

    /**
     * @return a copy of standard output
     */
    @Override
    public byte[] stdout() {
      return stdout.clone();
    }

    /**
     * @return a copy of standard error
     */
    @Override
    public byte[] stderr() {
      return stderr.clone();
    }

    /**
     * @return standard output as UTF-8 text
     */
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /**
     * @return standard error as UTF-8 text
     */
    public String stderrText() {
      return new String(stderr, StandardCharsets.UTF_8);
    }
  }

  /**
   * @param name a program name
   * @return its path, if it is an executable file in a directory on PATH
   */
  public static java.util.Optional<Path> find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return java.util.Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * @param name a program name
   * @param debianPackage the Debian package that provides it, for the message
   * @return the program's path
   * @throws IllegalStateException when the program is not on PATH (the suite fails, it never skips)
   */
  public static String require(String name, String debianPackage) {
    return find(name)
        .map(Path::toString)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "'"
                        + name
                        + "' is not on PATH: the real-registry suite needs the Debian package "
                        + debianPackage
                        + " (apt-get install "
                        + debianPackage
                        + "; .ci/run installs it)"));
  }

  /**
   * Runs a command to completion, capturing its output.
   *
   * @param command the program and its arguments
   * @param timeout how long the command may run before it is killed and this fails
   * @param environment extra environment variables, or null
   * @param what a short description for failure messages (never holds secrets)
   * @return the result, whatever the exit status
   * @throws IllegalStateException when the command times out or cannot start
   */
  public static Result run(
      List<String> command, Duration timeout, Map<String, String> environment, String what) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("tool-", ".out");
      err = Files.createTempFile("tool-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      if (environment != null) {
        pb.environment().putAll(environment);
      }
      Process p = pb.start();
      boolean finished;
      try {
        finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        destroyTree(p);
        throw new IllegalStateException(what + ": interrupted", e);
      }
      if (!finished) {
        destroyTree(p);
        throw new IllegalStateException(
            what
                + ": no result within "
                + timeout.toSeconds()
                + " s; killed.\nstdout:\n"
                + tail(Files.readString(out, StandardCharsets.UTF_8))
                + "\nstderr:\n"
                + tail(Files.readString(err, StandardCharsets.UTF_8)));
      }
      return new Result(command, p.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err));
    } catch (IOException e) {
      throw new UncheckedIOException(what + ": cannot run " + command.get(0), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * Like {@link #run}, but a non-zero exit status is an error that shows both outputs.
   *
   * @param command the program and its arguments
   * @param timeout how long the command may run
   * @param environment extra environment variables, or null
   * @param what a short description for failure messages (never holds secrets)
   * @return the result of a successful run
   */
  public static Result runChecked(
      List<String> command, Duration timeout, Map<String, String> environment, String what) {
    Result r = run(command, timeout, environment, what);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          what
              + " failed with exit status "
              + r.exitCode()
              + "\nstdout:\n"
              + tail(r.stdoutText())
              + "\nstderr:\n"
              + tail(r.stderrText()));
    }
    return r;
  }

  private static void destroyTree(Process p) {
    List<ProcessHandle> children = new ArrayList<>();
    p.descendants().forEach(children::add);
    children.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String tail(String s) {
    int max = 8_000;
    return s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
