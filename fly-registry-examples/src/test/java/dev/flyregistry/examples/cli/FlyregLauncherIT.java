package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main-job command, as a user types it: {@code ./flyreg demo} from the repository
 * root, in a subprocess. Runs after the package phase (failsafe), so the launcher finds the jar up
 * to date; were it stale, the launcher would build it first, hence the generous timeout.
 */
class FlyregLauncherIT {
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("flyreg"))
          && Files.isDirectory(dir.resolve("fly-registry-core"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no repository root with ./flyreg above the working dir");
  }

  @Test
  void readmeMainJobCommandRunsTheDemoToTheEnd(@TempDir Path tmp) throws Exception {
    Path root = repositoryRoot();
    assertThat(Files.isExecutable(root.resolve("flyreg"))).as("./flyreg is executable").isTrue();
    Path stdout = tmp.resolve("stdout.txt");
    Path stderr = tmp.resolve("stderr.txt");
    ProcessBuilder pb =
        new ProcessBuilder("./flyreg", "demo")
            .directory(root.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("DOCKER_CONFIG", tmp.resolve("docker").toString());
    Process process = pb.start();
    boolean finished = process.waitFor(15, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String out = Files.readString(stdout, StandardCharsets.UTF_8);
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    assertThat(finished).as("./flyreg demo finished; stderr:\n%s", err).isTrue();
    assertThat(process.exitValue()).as("exit code; stderr:\n%s\nstdout:\n%s", err, out).isZero();
    List<String> lines = out.lines().toList();
    assertThat(lines).isNotEmpty();
    assertThat(lines.get(lines.size() - 1)).isEqualTo(DemoCommand.DONE);
    assertThat(out).contains("[8/8] ");
    assertThat(tmp.resolve("docker")).doesNotExist();
  }
}
