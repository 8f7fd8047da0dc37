package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data-sharing archive: made by the first run beside the jar, used (not
 * rewritten) by later runs, off with {@code FLYREG_NO_CDS}; output and exit codes are those of
 * {@code java -jar} either way. Runs a copy of the launcher and the packaged jar in a temporary
 * directory laid out like the repository (its staleness check finds no sources there).
 */
class FlyregLauncherArchiveIT {
  @TempDir Path dir;
  private Path target;

  @BeforeEach
  void copyLauncherAndJar() throws IOException {
    Path root = FlyregLauncherIT.repositoryRoot();
    Path jar = root.resolve("fly-registry-examples/target/flyreg.jar");
    assertThat(jar).as("the packaged CLI jar").isRegularFile();
    target = Files.createDirectories(dir.resolve("fly-registry-examples/target"));
    Files.copy(root.resolve("flyreg"), dir.resolve("flyreg"));
    Files.copy(jar, target.resolve("flyreg.jar"));
  }

  private record Run(int exit, String out, String err) {}

  private Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("./flyreg"));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove("FLYREG_NO_CDS");
    pb.environment().remove("FLYREG_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("./flyreg " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private List<Path> archives() throws IOException {
    try (Stream<Path> s = Files.list(target)) {
      return s.filter(p -> p.getFileName().toString().startsWith("flyreg-")).sorted().toList();
    }
  }

  @Test
  void theFirstRunRecordsTheArchiveAndLaterRunsUseIt() throws Exception {
    Run first = run(Map.of(), "--version");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).startsWith("flyreg ");
    assertThat(first.err()).isEmpty();
    List<Path> made = archives();
    assertThat(made).as("one archive, no temporary file left").hasSize(1);
    assertThat(made.get(0).getFileName().toString()).matches("flyreg-\\d+\\.jsa");
    FileTime recorded = Files.getLastModifiedTime(made.get(0));

    Run second = run(Map.of(), "--version");
    assertThat(second.exit()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(second.err()).isEmpty();
    assertThat(archives()).isEqualTo(made);
    assertThat(Files.getLastModifiedTime(made.get(0))).as("not rewritten").isEqualTo(recorded);

    // the archive is used: the CLI's classes come from it, not from the jar (picocli's Java 5 class
    // files cannot be archived)
    Run logged = run(Map.of("FLYREG_JAVA_OPTS", "-Xlog:class+load=info:stdout"), "--version");
    assertThat(logged.out())
        .contains("dev.flyregistry.examples.cli.Flyreg source: shared objects file");
  }

  @Test
  void aFailingFirstRunKeepsItsExitCodeAndOutput() throws Exception {
    Run first = run(Map.of(), "no-such-command");
    Run again = run(Map.of(), "no-such-command");
    assertThat(first.exit()).isNotZero().isEqualTo(again.exit());
    assertThat(first.err()).isEqualTo(again.err()).contains("no-such-command");
    assertThat(first.out()).isEqualTo(again.out());
  }

  @Test
  void noArchiveWhenTurnedOff() throws Exception {
    Run r = run(Map.of("FLYREG_NO_CDS", "1"), "--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("flyreg ");
    assertThat(archives()).isEmpty();
  }
}
