package dev.flyregistry.examples.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command accepts after its name. */
final class CommonOptions {
  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "Fly token (default: FLY_ACCESS_TOKEN, then FLY_API_TOKEN, then ~/.fly/config.yml).")
  String token;

  @Option(
      names = "--creds",
      paramLabel = "USER:PASSWORD",
      description = "Credentials for the registry of the reference(s).")
  String creds;

  @Option(
      names = "--api-url",
      paramLabel = "URL",
      description =
          "Fly API root or its GraphQL endpoint (default: https://api.fly.io; GraphQL at"
              + " <root>/graphql, release records at <root>/api/v1).")
  String apiUrl;

  @Option(
      names = "--machines-url",
      paramLabel = "URL",
      description = "Machines API base URL (default: https://api.machines.dev/v1).")
  String machinesUrl;

  @Option(
      names = "--emulator",
      description =
          "Start an embedded Fly emulator and point every endpoint at it (registry.fly.io"
              + " references go to the emulator's registry).")
  boolean emulator;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST",
      description =
          "Use plain HTTP with this registry (HOST or HOST:PORT; repeatable). Loopback hosts such"
              + " as 127.0.0.1:5000 use plain HTTP without it.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Timeout of each request's connect, read and write: 500ms, 2s, 1m.")
  Duration timeout;

  @Option(
      names = "--debug",
      description = "Log HTTP requests to stderr (secrets redacted) and print stack traces.")
  boolean debug;

  @Option(names = "--json", description = "Print data as JSON.")
  boolean json;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;
}
