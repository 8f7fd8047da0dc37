package dev.flyregistry.examples.cli;

import dev.flyregistry.testkit.FlyEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs flyreg in process with captured output, against an emulator's endpoints. */
final class Cli {
  record Result(int code, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  private final Map<String, String> env = new HashMap<>();
  private final Path home;

  Cli(Path home) {
    this.home = home;
  }

  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Flyreg.commandLine(env, home);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * {@code command...} followed by the options that point flyreg at the emulator (whose registry,
   * on a loopback port, takes the token through {@code --creds x:TOKEN}).
   */
  Result run(FlyEmulator fly, String token, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(
        List.of(
            "--token",
            token,
            "--creds",
            "x:" + token,
            "--api-url",
            fly.apiUrl(),
            "--machines-url",
            fly.machinesUrl()));
    return run(args.toArray(new String[0]));
  }
}
