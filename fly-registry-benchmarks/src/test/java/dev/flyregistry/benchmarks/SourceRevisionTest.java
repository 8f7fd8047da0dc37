package dev.flyregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report names the commit it measured, and says when the working tree differs from it. */
class SourceRevisionTest {
  @TempDir Path repo;

  private void git(String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
    cmd.addAll(List.of(args));
    Tool.run(cmd, Duration.ofSeconds(20));
  }

  @Test
  void namesTheCommitAndUncommittedChangesOtherThanTheReport() throws Exception {
    assertThat(Machine.sourceRevision(repo)).isEqualTo("unknown");

    git("init", "-q");
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(repo.resolve("docs/BENCHMARKS.md"), "old figures\n");
    Files.writeString(repo.resolve("Code.java"), "class Code {}\n");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "one");
    String head =
        Tool.run(
                List.of("git", "-C", repo.toString(), "rev-parse", "--short", "HEAD"),
                Duration.ofSeconds(20))
            .stdout()
            .strip();

    assertThat(Machine.sourceRevision(repo)).isEqualTo("commit " + head);

    // a report written by an earlier run does not make the tree count as changed
    Files.writeString(repo.resolve("docs/BENCHMARKS.md"), "new figures\n");
    assertThat(Machine.sourceRevision(repo)).isEqualTo("commit " + head);

    // a changed source file does
    Files.writeString(repo.resolve("Code.java"), "class Code { int x; }\n");
    assertThat(Machine.sourceRevision(repo))
        .isEqualTo("commit " + head + " with uncommitted changes");
  }
}
