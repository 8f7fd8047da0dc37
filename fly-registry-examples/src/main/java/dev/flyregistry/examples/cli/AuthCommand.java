package dev.flyregistry.examples.cli;

import dev.flyregistry.auth.DockerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flyreg auth}: credentials. */
@Command(
    mixinStandardHelpOptions = true,
    name = "auth",
    description = "Authenticate tools to Fly.",
    subcommands = AuthCommand.Docker.class)
final class AuthCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: docker");
  }

  /** {@code flyreg auth docker}. */
  @Command(
      name = "docker",
      description = {
        "Write credentials for registry.fly.io into Docker's config.json ($DOCKER_CONFIG or"
            + " ~/.docker), like `fly auth docker`: username x, the Fly token as password. Every"
            + " other entry of the file is kept.",
        "With --emulator the entry is for the emulator's registry, in a temporary directory"
            + " unless DOCKER_CONFIG is set."
      })
  static final class Docker extends BaseCommand {
    @Override
    int run(Session session) {
      DockerConfig config = session.dockerConfig();
      if (session.emulator().isPresent() && session.env().get("DOCKER_CONFIG") == null) {
        try {
          config = DockerConfig.at(Files.createTempDirectory("flyreg-docker-config"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      String registry = session.flyRegistry();
      config.login(registry, session.token());
      Path file = config.file();
      if (session.json()) {
        session
            .out()
            .println(
                Json.pretty(
                    Json.object().put("registry", registry).put("configFile", file.toString())));
      } else {
        session
            .out()
            .println(
                "Authentication successful. You can now tag and push images to "
                    + registry
                    + "/{your-app}");
        session.out().println("Credentials written to " + file);
      }
      return ExitCodes.OK;
    }
  }
}
