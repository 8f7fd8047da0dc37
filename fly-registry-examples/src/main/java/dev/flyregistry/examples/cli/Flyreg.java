package dev.flyregistry.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code flyreg}: the fly-registry SDK's workflow as a command line, for scripts and CI pipelines.
 * Run {@code flyreg --help} for the commands, {@code flyreg demo} for the whole workflow against an
 * embedded emulator.
 *
 * <p>Exit codes: 0 success; 1 not found (image, tag, repository, app); 2 usage error (bad options,
 * a malformed reference, an invalid app name: caught before any request is sent); 3 authentication
 * or permission error; 4 any other error. Errors are one line on stderr; {@code --debug} adds the
 * stack trace and an HTTP log with secrets redacted.
 */
@Command(
    name = "flyreg",
    mixinStandardHelpOptions = true,
    versionProvider = Flyreg.Version.class,
    description = {
      "Push, check, copy and deploy container images on Fly.io, and read release history.",
      "Common options (--token, --creds, --api-url, --machines-url, --emulator,"
          + " --insecure-registry, --timeout, --debug, --json) go after the subcommand:"
          + " flyreg exists --timeout 2s REF"
    },
    subcommands = {
      AppsCommand.class,
      AuthCommand.class,
      PushCommand.class,
      ManifestCommand.class,
      ExistsCommand.class,
      CopyCommand.class,
      TagCommand.class,
      DeployCommand.class,
      ReleasesCommand.class,
      ImagesCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Flyreg implements Runnable {
  private final Map<String, String> env;
  private final Path home;
  private final boolean interactive;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private Flyreg(Map<String, String> env, Path home, boolean interactive) {
    this.env = Map.copyOf(env);
    this.home = home;
    this.interactive = interactive;
  }

  /**
   * Runs {@code flyreg} and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(
        commandLine(
                System.getenv(), Path.of(System.getProperty("user.home")), System.console() != null)
            .execute(args));
  }

  /**
   * The command line, for embedding and tests: call {@link CommandLine#setOut}/{@link
   * CommandLine#setErr} to capture the output, then {@link CommandLine#execute(String...)}, which
   * returns the exit code.
   *
   * @param env the environment variables the commands read ({@code FLY_ACCESS_TOKEN}, {@code
   *     FLY_API_TOKEN}, {@code DOCKER_CONFIG})
   * @param home the home directory ({@code ~/.fly/config.yml}, {@code ~/.docker})
   * @return the command line
   */
  public static CommandLine commandLine(Map<String, String> env, Path home) {
    return commandLine(env, home, false);
  }

  static CommandLine commandLine(Map<String, String> env, Path home, boolean interactive) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(home, "home");
    CommandLine cl = new CommandLine(new Flyreg(env, home, interactive));
    cl.registerConverter(java.time.Duration.class, new Converters.DurationConverter());
    cl.setParameterExceptionHandler(ExitCodes::usageError);
    cl.setExecutionExceptionHandler(ExitCodes::executionError);
    cl.setExitCodeExceptionMapper(ExitCodes::exitCode);
    documentExitCodes(cl);
    return cl;
  }

  private static void documentExitCodes(CommandLine cl) {
    Map<String, String> codes = new java.util.LinkedHashMap<>();
    codes.put("0", "success");
    codes.put("1", "not found (image, tag, repository, app)");
    codes.put("2", "usage error (bad options, a malformed reference, an invalid app name;");
    codes.put("", "  caught before any request is sent)");
    codes.put("3", "authentication or permission error");
    codes.put("4", "any other error");
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    cl.getSubcommands().values().forEach(Flyreg::documentExitCodes);
  }

  Map<String, String> env() {
    return env;
  }

  Path home() {
    return home;
  }

  /** Whether stderr is a terminal (progress bars redraw in place). */
  boolean interactive() {
    return interactive;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required, such as 'flyreg demo'");
  }

  static Flyreg of(CommandLine.Model.CommandSpec spec) {
    return (Flyreg) spec.root().userObject();
  }

  /** The SDK version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = "dev";
      try (InputStream in =
          Flyreg.class.getResourceAsStream("/dev/flyregistry/version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          version = p.getProperty("version", version);
        }
      } catch (IOException e) {
        // keep "dev"
      }
      return new String[] {"flyreg " + version};
    }
  }
}
