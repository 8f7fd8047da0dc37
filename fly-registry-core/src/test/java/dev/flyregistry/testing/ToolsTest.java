package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolsTest {

  @Test
  void aProgramMissingFromPathIsAnErrorNamingItsPackage() {
    assertThatThrownBy(() -> Tools.require("no-such-program-4711", "some-package"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'no-such-program-4711' is not on PATH")
        .hasMessageContaining("apt-get install some-package");
  }

  @Test
  void runCapturesBothOutputsAndTheExitStatus() {
    Tools.Result r =
        Tools.run(
            List.of("sh", "-c", "printf out; printf err >&2; exit 4"),
            Duration.ofSeconds(30),
            null,
            "sh");
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.stdoutText()).isEqualTo("out");
    assertThat(r.stderrText()).isEqualTo("err");
  }

  @Test
  void runCheckedFailsWithBothOutputs() {
    assertThatThrownBy(
            () ->
                Tools.runChecked(
                    List.of("sh", "-c", "echo partial; echo broken >&2; exit 2"),
                    Duration.ofSeconds(30),
                    null,
                    "the step"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the step failed with exit status 2")
        .hasMessageContaining("partial")
        .hasMessageContaining("broken");
  }

  @Test
  void environmentIsPassedToTheProgram() {
    Tools.Result r =
        Tools.runChecked(
            List.of("sh", "-c", "printf %s \"$TOOLS_TEST_VALUE\""),
            Duration.ofSeconds(30),
            Map.of("TOOLS_TEST_VALUE", "seen"),
            "sh");
    assertThat(r.stdoutText()).isEqualTo("seen");
  }

  @Test
  void aProgramThatRunsTooLongIsKilled() {
    assertThatThrownBy(
            () ->
                Tools.run(
                    List.of("sh", "-c", "echo started; exec sleep 30"),
                    Duration.ofMillis(300),
                    null,
                    "slow"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("slow: no result within")
        .hasMessageContaining("started");
  }
}
