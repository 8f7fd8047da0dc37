package dev.flyregistry.examples.cli;

import dev.flyregistry.machines.App;
import dev.flyregistry.machines.MachinesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flyreg apps}: app management. */
@Command(name = "apps", description = "Manage apps.", subcommands = AppsCommand.Create.class)
final class AppsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: create");
  }

  /** {@code flyreg apps create [NAME] [--generate-name] [--org SLUG]}. */
  @Command(
      name = "create",
      description = {
        "Create an app, like `fly apps create`. Prints the app's name.",
        "Each app owns the repository registry.fly.io/<app>."
      })
  static final class Create extends BaseCommand {
    @Parameters(
        arity = "0..1",
        paramLabel = "NAME",
        converter = Converters.AppNameConverter.class,
        description = "The app name: a-z, 0-9 and '-', 1 to 63 characters.")
    String name;

    @Option(names = "--generate-name", description = "Create the app under a generated name.")
    boolean generateName;

    @Option(
        names = {"--org", "-o"},
        paramLabel = "SLUG",
        defaultValue = "personal",
        description = "The organization (default: ${DEFAULT-VALUE}).")
    String org;

    @Override
    void validate() {
      if (name == null && !generateName) {
        throw usage("give an app NAME or --generate-name");
      }
      if (name != null && generateName) {
        throw usage("give either an app NAME or --generate-name, not both");
      }
      if (org.isBlank()) {
        throw usage("--org must not be empty");
      }
    }

    @Override
    int run(Session session) {
      MachinesClient machines = session.machines(null);
      App app =
          generateName
              ? machines.apps().createWithGeneratedName(org)
              : machines.apps().create(name, org);
      if (session.json()) {
        var node = Json.object().put("name", app.name()).put("organization", org);
        app.id().ifPresent(id -> node.put("id", id));
        session.out().println(Json.pretty(node));
      } else {
        session.out().println(app.name());
      }
      return ExitCodes.OK;
    }
  }
}
