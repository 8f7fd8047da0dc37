package dev.flyregistry.examples.cli;

import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.graphql.Release;
import dev.flyregistry.graphql.ReleaseFormatter;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flyreg releases -a APP [--image] [--json] [--limit N | --all]}. */
@Command(
    name = "releases",
    description = {
      "List an app's releases, newest first, like `fly releases`; --image adds the DOCKER IMAGE"
          + " column (`fly releases --image`)."
    })
final class ReleasesCommand extends BaseCommand {
  static final int DEFAULT_LIMIT = 25;

  @Option(
      names = {"--app", "-a"},
      required = true,
      paramLabel = "APP",
      converter = Converters.AppNameConverter.class,
      description = "The app.")
  String app;

  @Option(names = "--image", description = "Show the image of each release.")
  boolean image;

  @ArgGroup(exclusive = true)
  Count count;

  static final class Count {
    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "Show the newest N releases (default: " + DEFAULT_LIMIT + ").")
    Integer limit;

    @Option(names = "--all", description = "Show every release (read page by page).")
    boolean all;
  }

  @Override
  void validate() {
    if (count != null && count.limit != null && count.limit < 1) {
      throw usage("--limit must be at least 1, was " + count.limit);
    }
  }

  @Override
  int run(Session session) {
    GraphqlClient graphql = session.graphql();
    List<Release> releases;
    if (count != null && count.all) {
      try (Stream<Release> all = graphql.releases().stream(app)) {
        releases = all.toList();
      }
    } else {
      int limit = count != null && count.limit != null ? count.limit : DEFAULT_LIMIT;
      releases = graphql.releases().list(app, limit);
    }
    if (session.json()) {
      session.out().print(withNewline(ReleaseFormatter.absoluteDates().json(releases)));
      return ExitCodes.OK;
    }
    session
        .out()
        .print(
            ReleaseFormatter.relativeDates(Clock.systemUTC())
                .withImageColumn(image)
                .table(releases));
    return ExitCodes.OK;
  }

  private static String withNewline(String s) {
    return s.endsWith("\n") ? s : s + "\n";
  }
}
