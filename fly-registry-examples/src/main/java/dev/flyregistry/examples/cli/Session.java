package dev.flyregistry.examples.cli;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.DockerConfig;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryAuthenticationException;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.registry.RegistryDeniedException;
import dev.flyregistry.registry.RegistryException;
import dev.flyregistry.testkit.FlyEmulator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What one command runs with: its output streams, the endpoints and credentials the common options
 * select, an embedded emulator for {@code --emulator}, and the SDK clients (built on first use,
 * closed with the session). Every option is checked when the session opens, before any request.
 */
final class Session implements AutoCloseable {
  static final String EMULATOR_ORG = "personal";
  private static final String DEFAULT_API = "https://api.fly.io";

  private final CommandSpec spec;
  private final CommonOptions options;
  private final Map<String, String> env;
  private final Path home;
  private final PrintWriter out;
  private final PrintWriter err;
  private final FlyToken explicitToken;
  private final String[] creds;
  private final String graphqlUrl;
  private final String releasesUrl;
  private final String machinesUrl;
  private final HttpSettings http;
  private final OkHttpClient debugClient;
  private FlyEmulator emulator;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private FlyToken token;
  private Credentials registryCredentials;

  /** Whether {@link #registryCredentials} has some for a host (a lookup may run a helper). */
  private final Map<String, Boolean> credentialsFound = new ConcurrentHashMap<>();

  private Session(CommandSpec spec, CommonOptions options) {
    this.spec = spec;
    this.options = options;
    Flyreg root = Flyreg.of(spec);
    this.env = root.env();
    this.home = root.home();
    this.out = spec.commandLine().getOut();
    this.err = spec.commandLine().getErr();
    this.explicitToken = options.token == null ? null : parseToken(options.token);
    this.creds = options.creds == null ? null : parseCreds(options.creds);
    for (String h : options.insecureRegistries) {
      if (h.isBlank() || h.contains("/")) {
        throw usage("--insecure-registry takes HOST or HOST:PORT, not '" + h + "'");
      }
    }
    String api =
        stripSlash(options.apiUrl == null ? DEFAULT_API : checkUrl("--api-url", options.apiUrl));
    if (api.endsWith("/graphql")) {
      api = api.substring(0, api.length() - "/graphql".length());
    }
    this.graphqlUrl = api + "/graphql";
    this.releasesUrl = api + "/api/v1";
    this.machinesUrl =
        options.machinesUrl == null
            ? MachinesClient.DEFAULT_ENDPOINT
            : stripSlash(checkUrl("--machines-url", options.machinesUrl));
    HttpSettings settings = HttpSettings.defaults();
    if (options.timeout != null) {
      settings = settings.withTimeout(options.timeout);
    }
    if (options.debug) {
      this.debugClient =
          new OkHttpClient.Builder().addNetworkInterceptor(new HttpDebugLog(err)).build();
      settings = settings.withOkHttpClient(debugClient);
    } else {
      this.debugClient = null;
    }
    this.http = settings;
  }

  /**
   * Opens a session for a command, checking its common options; starts the emulator for {@code
   * --emulator}.
   */
  static Session open(CommandSpec spec, CommonOptions options) {
    return open(spec, options, options.emulator);
  }

  static Session open(CommandSpec spec, CommonOptions options, boolean startEmulator) {
    // the constructor checks the options: a usage error starts nothing
    Session s = new Session(spec, options);
    if (startEmulator) {
      try {
        s.emulator = FlyEmulator.start();
        s.emulator.createOrganization(EMULATOR_ORG);
        s.token = FlyToken.parse(s.emulator.createToken(EMULATOR_ORG));
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
    }
    return s;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  boolean json() {
    return options.json;
  }

  Map<String, String> env() {
    return env;
  }

  Optional<FlyEmulator> emulator() {
    return Optional.ofNullable(emulator);
  }

  HttpSettings http() {
    return http;
  }

  /** The registry that plays registry.fly.io: the emulator's, or the real one. */
  String flyRegistry() {
    return emulator != null ? emulator.registryHost() : ImageReference.FLY_REGISTRY;
  }

  /** With {@code --emulator}, a registry.fly.io reference moves to the emulator's registry. */
  ImageReference resolve(ImageReference ref) {
    if (emulator == null || !ref.isFly()) {
      return ref;
    }
    StringBuilder b = new StringBuilder(emulator.registryHost()).append('/');
    b.append(ref.repository());
    ref.tag().ifPresent(t -> b.append(':').append(t));
    ref.digest().ifPresent(d -> b.append('@').append(d));
    return ImageReference.parse(b.toString());
  }

  /** The token the APIs need: {@code --token}, the emulator's, or the environment's. */
  FlyToken token() {
    return optionalToken()
        .orElseThrow(
            () ->
                new ExitCodes.CliException(
                    ExitCodes.AUTH,
                    "no Fly token: pass --token, set FLY_ACCESS_TOKEN or FLY_API_TOKEN, or run"
                        + " `fly auth login`"));
  }

  Optional<FlyToken> optionalToken() {
    if (token != null) {
      return Optional.of(token);
    }
    if (explicitToken != null) {
      token = explicitToken;
      return Optional.of(token);
    }
    try {
      Optional<FlyToken> found = FlyToken.find(env, home);
      found.ifPresent(t -> token = t);
      return found;
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.CliException(
          ExitCodes.AUTH, "the configured Fly token is malformed: " + e.getMessage(), e);
    }
  }

  /** {@code $DOCKER_CONFIG}, else {@code ~/.docker}. */
  DockerConfig dockerConfig() {
    String dir = env.get("DOCKER_CONFIG");
    return DockerConfig.at(dir != null && !dir.isBlank() ? Path.of(dir) : home.resolve(".docker"));
  }

  /**
   * A registry client: {@code --creds} for the registries of {@code refs}, then the emulator's
   * token, then the Fly token (registry.fly.io), then {@code config.json}, then anonymous.
   */
  RegistryClient registry(Collection<ImageReference> refs) {
    Credentials chain = Credentials.defaultChain(optionalToken().orElse(null), dockerConfig());
    if (emulator != null) {
      chain =
          Credentials.basic(emulator.registryHost(), "x", token().registryPassword()).orElse(chain);
    }
    if (creds != null) {
      Set<String> hosts = new LinkedHashSet<>();
      refs.forEach(r -> hosts.add(r.registry()));
      Credentials explicit = Credentials.anonymous();
      for (String h : hosts) {
        explicit = explicit.orElse(Credentials.basic(h, creds[0], creds[1]));
      }
      chain = explicit.orElse(chain);
    }
    registryCredentials = chain;
    RegistryClient client =
        RegistryClient.builder()
            .credentials(chain)
            .http(http)
            .insecureRegistries(options.insecureRegistries.toArray(new String[0]))
            .build();
    toClose.add(client);
    return client;
  }

  /**
   * What a command-line user can do about an authentication failure of a registry for which the
   * session found no credentials: empty for other failures, and when credentials were found (they
   * were refused, which the message says).
   */
  Optional<String> credentialsHint(Throwable failure) {
    if (!(failure instanceof RegistryAuthenticationException
            || failure instanceof RegistryDeniedException)
        || registryCredentials == null) {
      return Optional.empty();
    }
    RegistryException refusal = (RegistryException) failure;
    Optional<String> host = refusal.registry();
    // a refusal with advice for code says itself that the client had no credentials (401s);
    // otherwise (403s) the session's sources are asked, once per host
    if (host.isEmpty() || (refusal.advice().isEmpty() && hasCredentials(host.get()))) {
      return Optional.empty();
    }
    String h = host.get();
    if (h.equals(flyRegistry())) {
      return Optional.of(
          "no credentials were found for "
              + h
              + ": pass --token TOKEN or set FLY_ACCESS_TOKEN (`fly auth token` prints one), pass"
              + " --creds x:TOKEN, or run `flyreg auth docker --token TOKEN` once");
    }
    return Optional.of(
        "no credentials were found for "
            + h
            + ": pass --creds USER:PASSWORD, or run `docker login "
            + h
            + "` (flyreg reads Docker's config.json)");
  }

  private boolean hasCredentials(String host) {
    return credentialsFound.computeIfAbsent(
        host,
        h -> {
          try {
            return registryCredentials.lookup(h).isPresent();
          } catch (RuntimeException e) {
            return true; // a source that fails (a credential helper) is a source: no advice
          }
        });
  }

  /** A Machines API client; deploys check the image with {@code registry} first. */
  MachinesClient machines(RegistryClient registry) {
    MachinesClient.Builder b = MachinesClient.builder().token(token()).http(http);
    if (registry != null && emulator != null) {
      // no network with --emulator: only images on the emulator's registry are checked
      String host = emulator.registryHost();
      b.imageChecker(ref -> !ref.registry().equals(host) || registry.exists(ref));
    } else if (registry != null) {
      b.imageChecker(registry::exists);
    }
    if (emulator != null) {
      b.endpoint(emulator.machinesUrl()).releasesEndpoint(emulator.releasesUrl());
    } else {
      b.endpoint(machinesUrl).releasesEndpoint(releasesUrl);
    }
    MachinesClient client = b.build();
    toClose.add(client);
    return client;
  }

  GraphqlClient graphql() {
    GraphqlClient client =
        GraphqlClient.builder()
            .token(token())
            .http(http)
            .endpoint(emulator != null ? emulator.graphqlUrl() : graphqlUrl)
            .build();
    toClose.add(client);
    return client;
  }

  /** Closes {@code closeable} with the session. */
  void track(AutoCloseable closeable) {
    toClose.add(closeable);
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private FlyToken parseToken(String raw) {
    try {
      return FlyToken.parse(raw);
    } catch (IllegalArgumentException e) {
      throw usage("--token: " + e.getMessage());
    }
  }

  private String[] parseCreds(String raw) {
    int colon = raw.indexOf(':');
    if (colon <= 0) {
      throw usage("--creds takes USER:PASSWORD");
    }
    return new String[] {raw.substring(0, colon), raw.substring(colon + 1)};
  }

  private String checkUrl(String option, String value) {
    HttpUrl url = HttpUrl.parse(value.trim());
    if (url == null) {
      throw usage(option + " is not an http(s) URL: '" + value + "'");
    }
    if (!url.isHttps() && !isLoopback(url.host())) {
      throw usage(option + " must use https (plain http only to loopback hosts): " + url.host());
    }
    return value.trim();
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private static String stripSlash(String s) {
    String r = s;
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }

  @Override
  public void close() {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        // closing is best effort
      }
    }
    toClose.clear();
    if (emulator != null) {
      emulator.close();
    }
    if (debugClient != null) {
      debugClient.dispatcher().executorService().shutdown();
      debugClient.connectionPool().evictAll();
    }
    out.flush();
    err.flush();
  }
}
