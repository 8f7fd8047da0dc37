package dev.flyregistry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the benchmarks ran on, and this process's children's CPU time. */
final class Machine {
  private Machine() {}

  static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CPUs (nproc)", String.valueOf(Runtime.getRuntime().availableProcessors()));
    m.put("CPU model", cpuModel());
    m.put("memory", memory());
    m.put(
        "JDK",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.vendor")
            + ")");
    m.put("OS", osRelease() + ", kernel " + System.getProperty("os.version"));
    m.put("registry", Tool.firstLine(List.of("docker-registry", "--version")));
    m.put("skopeo", Tool.firstLine(List.of("skopeo", "--version")));
    m.put("hey", dpkgVersion("hey"));
    if (Tool.exists("hyperfine")) {
      m.put("hyperfine", Tool.firstLine(List.of("hyperfine", "--version")));
    }
    m.put("jib-core", "0.28.1");
    return m;
  }

  /**
   * The revision of the working tree in {@code dir} (the run's: {@code bench/run.sh} runs from the
   * repository's root): {@code git rev-parse --short HEAD}, and whether tracked files other than
   * the report differ from it ({@code bench/run.sh} builds the working tree). "unknown" outside a
   * git checkout.
   */
  static String sourceRevision(Path dir) {
    try {
      return revision(dir.toString());
    } catch (RuntimeException e) { // no git on the PATH
      return "unknown";
    }
  }

  private static String revision(String dir) {
    Tool.Result head =
        Tool.runAllowingFailure(
            List.of("git", "-C", dir, "rev-parse", "--short", "HEAD"), Duration.ofSeconds(20));
    if (head.exitCode() != 0 || head.stdout().isBlank()) {
      return "unknown";
    }
    Tool.Result status =
        Tool.runAllowingFailure(
            List.of(
                "git",
                "-C",
                dir,
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":(exclude)docs/BENCHMARKS.md"),
            Duration.ofSeconds(20));
    String commit = "commit " + head.stdout().strip();
    if (status.exitCode() != 0) {
      return commit + " (working tree state unknown)";
    }
    return status.stdout().isBlank() ? commit : commit + " with uncommitted changes";
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * The machine's CPU ticks from {@code /proc/stat}: {@code [steal, total]}; zeros when unknown.
   * Steal is time the hypervisor gave the virtual CPUs to other guests: on a shared host it slows
   * every client at random, which is why figures are compared only within a round.
   */
  static long[] cpuTicks() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long total = 0;
          for (int i = 1; i < f.length && i <= 8; i++) {
            total += Long.parseLong(f[i]);
          }
          return new long[] {f.length > 8 ? Long.parseLong(f[8]) : 0, total};
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format: steal stays unknown
    }
    return new long[] {0, 0};
  }

  /**
   * Steal as a percentage of all CPU time since {@code before} ({@link #cpuTicks()}); NaN if
   * unknown.
   */
  static double stealPercentSince(long[] before) {
    long[] now = cpuTicks();
    long total = now[1] - before[1];
    return total <= 0 ? Double.NaN : 100.0 * (now[0] - before[0]) / total;
  }

  /**
   * CPU time (user + system) of this process's children that have exited and been waited for
   * ({@code cutime + cstime} of {@code /proc/self/stat}), in nanoseconds, at clock-tick (10 ms)
   * resolution. Deltas around a batch of subprocesses give their CPU time.
   */
  static long childrenCpuNanos() {
    try {
      return childrenCpuTicks(Files.readString(Path.of("/proc/self/stat"))) * 10_000_000L;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/stat", e);
    }
  }

  /** cutime + cstime (fields 16 and 17) of a {@code /proc/PID/stat} line. */
  static long childrenCpuTicks(String stat) {
    // the command name (field 2) is in parentheses and may hold spaces: split after it
    String rest = stat.substring(stat.lastIndexOf(')') + 2).trim();
    String[] f = rest.split("\\s+");
    // f[0] is field 3 (state), so field k is f[k - 3]
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return "unknown";
  }

  private static String osRelease() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring(12).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.name");
  }

  private static String dpkgVersion(String pkg) {
    String v = Tool.firstLine(List.of("dpkg-query", "-W", "-f=${Version}", pkg));
    return v.isEmpty() ? "installed" : v;
  }
}
