package dev.flyregistry.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.testkit.FlyEmulator;
import dev.flyregistry.testkit.FlyEmulatorExtension;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flyreg ... --debug} with a distinctive token (refused by the emulator) and with a valid
 * one: neither token, nor any of its parts, nor its base64 {@code x:token} form appears in the
 * CLI's stdout, its stderr (HTTP exchanges and error lines), or the SDK's own log output.
 */
@ExtendWith(FlyEmulatorExtension.class)
class FlyregDebugSecretsTest {
  private static final String CANARY = "fm2_SECRET-canary-7f3a9c1d5e";

  static FlyEmulator fly;
  static String token;
  static String app;

  @TempDir Path home;
  private final ByteArrayOutputStream sdkLog = new ByteArrayOutputStream();
  private final PrintStream original = System.err;

  @BeforeAll
  static void org() {
    fly.createOrganization("personal");
    token = fly.createToken("personal");
    app = "secrets-app";
    fly.createApp("personal", app);
    fly.pushImage(app, "v1");
  }

  @BeforeEach
  void capture() {
    System.setErr(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                sdkLog.write(b);
                original.write(b);
              }
            },
            true,
            StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(original);
  }

  private static List<String> forms(String secret) {
    List<String> out = new ArrayList<>(List.of(secret));
    for (String part : secret.split(",")) {
      if (part.length() >= 8) {
        out.add(part);
      }
    }
    out.add(Base64.getEncoder().encodeToString(("x:" + secret).getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  private List<List<String>> commands() {
    String ref = fly.registryHost() + "/" + app + ":v1";
    String missing = fly.registryHost() + "/" + app + ":nope";
    return List.of(
        List.of("exists", ref, missing),
        List.of("manifest", "inspect", ref),
        List.of("manifest", "inspect", missing),
        List.of("releases", "--app", app),
        List.of("releases", "--app", "no-such-app"),
        List.of("apps", "create", "secret-check-" + System.nanoTime(), "--org", "personal"),
        List.of("deploy", "--app", app, "--image", missing));
  }

  private void runAll(String secret) {
    Cli cli = new Cli(home);
    List<String> seen = new ArrayList<>();
    for (List<String> command : commands()) {
      List<String> args = new ArrayList<>(command);
      args.add("--debug");
      Cli.Result r = cli.run(fly, secret, args.toArray(new String[0]));
      seen.add(r.out());
      seen.add(r.err());
      assertThat(r.err()).as("--debug logs HTTP exchanges").contains("--> ");
    }
    seen.add(sdkLog.toString(StandardCharsets.UTF_8));
    for (String text : seen) {
      for (String f : forms(secret)) {
        assertThat(text).doesNotContain(f);
      }
      assertThat(text).doesNotContain("SECRET-canary");
    }
  }

  @Test
  void aRefusedTokenNeverShowsInDebugOutput() {
    runAll(CANARY);
  }

  @Test
  void aValidTokenNeverShowsInDebugOutput() {
    runAll(token);
  }
}
