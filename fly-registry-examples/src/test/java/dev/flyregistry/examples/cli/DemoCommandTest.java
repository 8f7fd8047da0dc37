package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** flyreg demo, in process: every step runs and the demo ends with its final line. */
class DemoCommandTest {
  @TempDir Path home;

  @Test
  void demoRunsEveryStepAndExitsZero() {
    Cli.Result r = new Cli(home).run("demo");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    for (int i = 1; i <= 8; i++) {
      assertThat(r.out()).contains("[" + i + "/8] ");
    }
    assertThat(r.out())
        .contains("created demo-app")
        .contains("(generated name)")
        .contains("(the one built)")
        .contains(" present sha256:")
        .contains(":v2 missing")
        .contains("0 layer bytes moved")
        .contains("release v1 complete")
        .contains("DOCKER IMAGE")
        .contains("flyio/hellofly:latest");
    assertThat(r.outLines()).last().isEqualTo(DemoCommand.DONE);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void demoNeverWritesTheUsersDockerConfig() {
    Cli cli = new Cli(home).env("DOCKER_CONFIG", home.resolve("mine").toString());
    Cli.Result r = cli.run("demo");
    assertThat(r.code()).isZero();
    assertThat(home.resolve("mine")).doesNotExist();
    assertThat(home.resolve(".docker")).doesNotExist();
  }
}
