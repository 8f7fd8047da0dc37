package dev.flyregistry.internal.registry;

import dev.flyregistry.FlyException;
import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.RegistryCredential;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.http.HttpClients;
import dev.flyregistry.internal.http.Interrupts;
import dev.flyregistry.internal.http.Redaction;
import dev.flyregistry.internal.http.RetryExecutor;
import dev.flyregistry.internal.http.Secrets;
import dev.flyregistry.registry.InsufficientScopeException;
import dev.flyregistry.registry.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry transport: every request of the registry client goes through {@link #execute}, which
 * authorizes it for a set of scopes, retries transient failures and reacts to {@code 401}
 * challenges.
 *
 * <p>Authentication starts from the registry's challenge: the first request to a registry pings
 * {@code GET /v2/} (one ping shared by concurrent callers) and remembers what the registry asked
 * for. {@code Basic} sends the credentials on each request; {@code Bearer} exchanges them at the
 * realm through {@link TokenService}. A {@code 401} on a request gets exactly one more attempt:
 * with the new challenge, with the scopes the challenge adds, or with a fresh token; a second
 * {@code 401} is final.
 *
 * <p>Hygiene: {@code Authorization} is attached only to requests whose origin is the registry's own
 * (OkHttp drops it on cross-host redirects) and to the realm; token requests never follow a
 * redirect (a redirect from the token service is an error); registries use HTTPS unless loopback or
 * marked insecure; a realm on a loopback or private address of another host, or on plain HTTP to a
 * host that is neither loopback nor insecure, is refused with {@link
 * dev.flyregistry.registry.UnsafeRealmException}.
 *
 * <p>Thread-safe. This is the seam other registry operations (push, mount) use: they call {@link
 * #execute} with the scopes they need ({@code pull,push} on the target, {@code pull} on a mount
 * source).
 */
public final class RegistryTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);

  private final HttpSettings settings;
  private final OkHttpClient client;
  private final RetryExecutor executor;
  private final Credentials credentials;
  private final Set<String> insecure;
  private final TokenService tokens;
  private final Map<String, CompletableFuture<AuthState>> states = new ConcurrentHashMap<>();
  private final Map<String, Optional<RegistryCredential>> credentialCache =
      new ConcurrentHashMap<>();
  private final Set<RealmApproval> approvedRealms = ConcurrentHashMap.newKeySet();
  // Per registry host, computed once: every request needs them (a bulk check makes thousands).
  private final Map<String, HttpUrl> baseUrls = new ConcurrentHashMap<>();
  private final Map<String, Failures.Context> contexts = new ConcurrentHashMap<>();

  private record RealmApproval(String registry, HttpUrl realm, boolean hasCredential) {}

  /**
   * @param settings HTTP settings (timeouts, retries, clock, sleeper)
   * @param credentials where credentials come from
   * @param insecureRegistries hosts ({@code host} or {@code host:port}) that may be reached over
   *     plain HTTP
   */
  public RegistryTransport(
      HttpSettings settings, Credentials credentials, Collection<String> insecureRegistries) {
    this.settings = settings;
    this.client = HttpClients.create(settings);
    this.executor = new RetryExecutor(client, settings);
    this.credentials = credentials;
    this.insecure =
        insecureRegistries.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    // Token requests carry the credential itself (Basic, or the refresh token in a POST body that
    // OkHttp would resend on a 307/308 to any host): they never follow redirects, and TokenService
    // refuses a redirect with a typed error. Same pool and dispatcher as the registry requests.
    OkHttpClient tokenClient =
        client.newBuilder().followRedirects(false).followSslRedirects(false).build();
    this.tokens =
        new TokenService(
            new RetryExecutor(tokenClient, settings), settings.clock(), "fly-registry-java");
  }

  /** The clock of the settings. */
  public Clock clock() {
    return settings.clock();
  }

  /** The HTTP settings. */
  public HttpSettings settings() {
    return settings;
  }

  /** The OkHttp client (shared connection pool). */
  public OkHttpClient client() {
    return client;
  }

  TokenService tokens() {
    return tokens;
  }

  /** Whether a registry is reached over plain HTTP (loopback or marked insecure). */
  public boolean plainHttp(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    return Hosts.isLoopbackName(r) || insecure.contains(r) || insecure.contains(Hosts.hostOnly(r));
  }

  /** {@code scheme://registry/v2/}. */
  public HttpUrl baseUrl(String registry) {
    HttpUrl known = baseUrls.get(registry);
    if (known != null) {
      return known;
    }
    HttpUrl url =
        HttpUrl.parse((plainHttp(registry) ? "http" : "https") + "://" + registry + "/v2/");
    if (url == null) {
      throw new IllegalArgumentException("not a registry host: " + registry);
    }
    if (baseUrls.size() < MAX_CACHED_REGISTRIES) {
      baseUrls.put(registry, url);
    }
    return url;
  }

  /** {@code scheme://registry/v2/<repository>/blobs/<digest>}. */
  public HttpUrl blobUrl(String registry, String repository, String digest) {
    return baseUrl(registry)
        .newBuilder()
        .addPathSegments(repository)
        .addPathSegment("blobs")
        .addPathSegment(digest)
        .build();
  }

  /** Bound of the per-registry caches (a client normally talks to a handful of registries). */
  private static final int MAX_CACHED_REGISTRIES = 256;

  /** The credential for a registry (looked up once per client). */
  public Optional<RegistryCredential> credential(String registry) {
    return credentialCache.computeIfAbsent(registry.toLowerCase(Locale.ROOT), credentials::lookup);
  }

  /** The message context of a request to a registry and repository. */
  public Failures.Context context(String registry, String repository) {
    Failures.Context known = contexts.get(registry);
    if (known == null) {
      known = newContext(registry);
      if (contexts.size() < MAX_CACHED_REGISTRIES) {
        contexts.put(registry, known);
      }
    }
    return known.withRepository(repository);
  }

  private Failures.Context newContext(String registry) {
    Optional<RegistryCredential> c = credential(registry);
    List<String> secrets = new java.util.ArrayList<>();
    c.ifPresent(
        cred -> {
          cred.identityToken().ifPresent(secrets::add);
          cred.password()
              .ifPresent(
                  p -> {
                    secrets.add(p);
                    // a Fly registry password is macaroons joined by commas: each may be echoed
                    secrets.addAll(List.of(p.split(",")));
                    String basic =
                        okhttp3.Credentials.basic(
                            cred.username(), p, java.nio.charset.StandardCharsets.UTF_8);
                    secrets.add(basic.substring("Basic ".length()));
                  });
        });
    return new Failures.Context(
        registry,
        null,
        c.map(x -> "credentials from " + x.source()).orElse(Failures.NO_CREDENTIALS),
        Secrets.of(secrets, 4));
  }

  /**
   * Runs one registry request, authorized for {@code scopes}.
   *
   * @param registry the registry host ({@code host[:port]})
   * @param repository the repository, for messages (may be null)
   * @param scopes the token scopes the request needs (ignored by Basic registries)
   * @param operation what is attempted, for messages ("HEAD registry/app:v1")
   * @param request makes a fresh request for each attempt; its URL must be on the registry's origin
   *     for credentials to be attached
   * @param mode whether the request may be repeated once sent
   * @param handler handles the final response; never sees a {@code 401}
   * @return what the handler returned
   * @throws RegistryException (a subtype) for authentication failures, network failures after
   *     retries, and whatever the handler throws
   */
  public <T> T execute(
      String registry,
      String repository,
      Collection<Scope> scopes,
      String operation,
      Supplier<Request.Builder> request,
      RetryExecutor.Mode mode,
      RetryExecutor.ResponseHandler<T> handler) {
    Failures.Context ctx = context(registry, repository);
    HttpUrl base = baseUrl(registry);
    AuthState state = state(registry, base, ctx);
    Set<Scope> current = Scope.normalize(scopes);
    boolean retried = false;
    boolean forceToken = false;
    Secrets sent = Secrets.NONE; // the credentials the 401 answers of this call were drawn by
    while (true) {
      AuthState st = state;
      Set<Scope> sc = current;
      AtomicBoolean force = new AtomicBoolean(forceToken);
      Outcome<T> outcome;
      try {
        outcome =
            executor.execute(
                () -> {
                  Request.Builder b = request.get();
                  Request plain = b.build();
                  String auth =
                      authorization(
                          registry, base, plain.url(), st, sc, force.getAndSet(false), ctx);
                  if (auth != null) {
                    b.header("Authorization", auth);
                  }
                  if (plain.header("User-Agent") == null) {
                    // set here, so the client's interceptor need not copy the request to add it
                    b.header("User-Agent", settings.userAgent());
                  }
                  if (isBlobTransfer(plain)) {
                    b.tag(RetryExecutor.Streaming.class, RetryExecutor.Streaming.BLOB);
                  }
                  return b.build();
                },
                mode,
                response -> {
                  if (response.code() == 401 && !Hosts.sameOrigin(response.request().url(), base)) {
                    // Another origin (a redirect, a Link to another host) is never sent the
                    // registry's credentials, and its challenge must not choose the registry's
                    // token service: adopting it would send them to its realm on the next call.
                    throw Failures.foreignUnauthorized(
                        ctx, operation, response.request().url(), ErrorBody.read(response));
                  }
                  if (response.code() == 401) {
                    return new Outcome<>(
                        null,
                        true,
                        Challenge.parse(response.headers("WWW-Authenticate")),
                        ErrorBody.read(response));
                  }
                  return new Outcome<>(handler.handle(response), false, List.of(), null);
                });
      } catch (IOException e) {
        throw Failures.io(ctx, operation, e);
      }
      if (!outcome.unauthorized()) {
        return outcome.value();
      }
      List<Challenge> challenges = outcome.challenges();
      // a failure quotes the last 401's body: scrub every credential this call sent, not only the
      // one of that request (a registry may echo the token it refused first)
      sent = sent.and(outcome.body().sent());
      ErrorBody body = outcome.body().withSent(sent);
      AuthState next = fromChallenges(challenges);
      Optional<Challenge> bearer = Challenge.find(challenges, "Bearer");
      if (retried) {
        throw finalUnauthorized(ctx, operation, st, sc, bearer, body);
      }
      retried = true;
      if (next == null) {
        throw Failures.authentication(
            ctx, operation, "the registry sent no usable WWW-Authenticate challenge", body);
      }
      if (next instanceof AuthState.Basic) {
        Optional<RegistryCredential> cred = credential(registry);
        if (cred.isEmpty()) {
          throw Failures.authentication(
              ctx,
              operation,
              "the registry asks for Basic credentials and none were found for " + registry,
              body);
        }
        if (cred.get().password().isEmpty()) {
          throw Failures.authentication(
              ctx,
              operation,
              "the registry asks for Basic credentials but the credential holds only an identity"
                  + " token",
              body);
        }
        if (st instanceof AuthState.Basic) {
          throw Failures.authentication(
              ctx, operation, "the registry rejected the credentials", body);
        }
        state = remember(registry, next);
        continue;
      }
      // Bearer
      List<Scope> asked =
          bearer.flatMap(c -> c.param("scope")).map(Scope::parseAll).orElse(List.of());
      Set<Scope> union = TokenService.union(sc, asked);
      if (!next.equals(st)) {
        state = remember(registry, next);
        current = union;
        continue;
      }
      if (!Scope.allCovered(sc, union)) {
        LOG.debug("{}: the registry asks for more scopes {}, exchanging again", operation, union);
        current = union;
        continue;
      }
      if (bearer
          .flatMap(c -> c.param("error"))
          .filter("insufficient_scope"::equalsIgnoreCase)
          .isPresent()) {
        throw insufficientScope(ctx, operation, asked.isEmpty() ? sc : asked, 401, body);
      }
      forceToken = true; // same scopes: the token was refused (expired, revoked); get a fresh one
    }
  }

  /**
   * A blob download or upload, exempt from the overall call deadline since its duration depends on
   * the blob's size: a {@code GET} under {@code /blobs/}, any {@code PATCH} (upload chunks), and a
   * {@code PUT} under {@code /blobs/} or to an upload location (registries choose its path) with a
   * body over 1 MiB or of unknown length. Manifests and everything else keep the deadline.
   */
  static boolean isBlobTransfer(Request request) {
    String method = request.method();
    boolean blobPath = request.url().pathSegments().contains("blobs");
    switch (method) {
      case "GET":
        return blobPath;
      case "PATCH":
        return true;
      case "PUT":
        if (blobPath) {
          return true;
        }
        if (request.url().pathSegments().contains("manifests")) {
          return false;
        }
        try {
          long n = request.body() == null ? 0 : request.body().contentLength();
          return n < 0 || n > 1024 * 1024;
        } catch (IOException e) {
          return true;
        }
      default:
        return false;
    }
  }

  private record Outcome<T>(
      T value, boolean unauthorized, List<Challenge> challenges, ErrorBody body) {}

  private RegistryException finalUnauthorized(
      Failures.Context ctx,
      String operation,
      AuthState st,
      Set<Scope> sc,
      Optional<Challenge> bearer,
      ErrorBody body) {
    if (bearer
        .flatMap(c -> c.param("error"))
        .filter("insufficient_scope"::equalsIgnoreCase)
        .isPresent()) {
      List<Scope> asked =
          bearer.flatMap(c -> c.param("scope")).map(Scope::parseAll).orElse(List.of());
      return insufficientScope(ctx, operation, asked.isEmpty() ? sc : asked, 401, body);
    }
    String why =
        st instanceof AuthState.Bearer
            ? "the registry rejected the token issued for " + sc
            : "the registry rejected the credentials";
    return Failures.authentication(ctx, operation, why, body);
  }

  static InsufficientScopeException insufficientScope(
      Failures.Context ctx,
      String operation,
      Collection<Scope> missing,
      int status,
      ErrorBody body) {
    String scopes =
        Scope.normalize(missing).stream()
            .map(Scope::toString)
            .collect(java.util.stream.Collectors.joining(" "));
    String d = Failures.describe(ctx, body);
    return new InsufficientScopeException(
        operation
            + ": "
            + status
            + " from "
            + ctx.registry()
            + " with "
            + ctx.credentialSource()
            + ": insufficient scope, the token does not grant "
            + scopes
            + (ctx.anonymous() ? "; no credentials were found for " + ctx.registry() : "")
            + (d.isEmpty() ? "" : " (" + d + ")"),
        scopes,
        status,
        Failures.errors(ctx, body),
        ctx.registry(),
        ctx.repository());
  }

  /**
   * Maps a final error response to a typed exception; a {@code 403} whose challenge says {@code
   * insufficient_scope} becomes {@link InsufficientScopeException}.
   */
  public RegistryException failure(
      Failures.Context ctx, String operation, Response response, Collection<Scope> scopes) {
    ErrorBody body = ErrorBody.read(response);
    if (response.code() == 403) {
      Optional<Challenge> bearer =
          Challenge.find(Challenge.parse(response.headers("WWW-Authenticate")), "Bearer");
      if (bearer
          .flatMap(c -> c.param("error"))
          .filter("insufficient_scope"::equalsIgnoreCase)
          .isPresent()) {
        List<Scope> asked =
            bearer.flatMap(c -> c.param("scope")).map(Scope::parseAll).orElse(List.of());
        return insufficientScope(ctx, operation, asked.isEmpty() ? scopes : asked, 403, body);
      }
    }
    return Failures.status(ctx, operation, response, body, settings.clock());
  }

  private AuthState remember(String registry, AuthState next) {
    states.put(registry.toLowerCase(Locale.ROOT), CompletableFuture.completedFuture(next));
    return next;
  }

  /** What the registry asks for, from a ping shared by concurrent callers. */
  AuthState state(String registry, HttpUrl base, Failures.Context ctx) {
    String key = registry.toLowerCase(Locale.ROOT);
    while (true) {
      CompletableFuture<AuthState> known = states.get(key);
      if (known == null) {
        CompletableFuture<AuthState> mine = new CompletableFuture<>();
        known = states.putIfAbsent(key, mine);
        if (known == null) {
          try {
            AuthState s = ping(base, ctx);
            mine.complete(s);
            return s;
          } catch (RuntimeException e) {
            states.remove(key, mine); // a failed ping is not remembered
            mine.completeExceptionally(Interrupts.forJoiners(e));
            throw e;
          }
        }
      }
      try {
        return Interrupts.await(known);
      } catch (InterruptedIOException e) {
        throw Failures.io(ctx, "GET " + Redaction.url(base), e);
      } catch (CompletionException e) {
        if (e.getCause() instanceof Interrupts.Abandoned) {
          continue; // the pinging caller was interrupted, not this one: ping again
        }
        if (e.getCause() instanceof FlyException f) {
          throw f;
        }
        throw e;
      }
    }
  }

  private AuthState ping(HttpUrl base, Failures.Context ctx) {
    try {
      return executor.execute(
          () -> new Request.Builder().url(base).get().build(),
          RetryExecutor.Mode.IDEMPOTENT,
          response -> {
            if (response.code() == 401) {
              AuthState s = fromChallenges(Challenge.parse(response.headers("WWW-Authenticate")));
              if (s == null) {
                throw Failures.authentication(
                    ctx,
                    "GET " + Redaction.url(base),
                    "the registry sent no usable WWW-Authenticate challenge",
                    ErrorBody.read(response));
              }
              LOG.debug("{} asks for {}", ctx.registry(), s);
              return s;
            }
            if (response.code() == 404) {
              throw Failures.notARegistry(
                  ctx, "GET " + Redaction.url(base), ErrorBody.read(response));
            }
            if (response.isSuccessful()) {
              return new AuthState.None();
            }
            throw Failures.status(ctx, "GET " + Redaction.url(base), response, settings.clock());
          });
    } catch (IOException e) {
      throw Failures.io(ctx, "GET " + Redaction.url(base), e);
    }
  }

  /** Bearer (with a parseable http(s) realm) wins over Basic; null when neither is usable. */
  static AuthState fromChallenges(List<Challenge> challenges) {
    for (Challenge c : challenges) {
      if (c.is("Bearer")) {
        Optional<HttpUrl> realm = c.param("realm").map(HttpUrl::parse);
        if (realm.isPresent()) {
          return new AuthState.Bearer(realm.get(), c.param("service").orElse(""));
        }
      }
    }
    return Challenge.find(challenges, "Basic").isPresent() ? new AuthState.Basic() : null;
  }

  private String authorization(
      String registry,
      HttpUrl base,
      HttpUrl url,
      AuthState state,
      Set<Scope> scopes,
      boolean forceToken,
      Failures.Context ctx) {
    if (!Hosts.sameOrigin(url, base)) {
      return null; // credentials only to the registry's own origin
    }
    if (state instanceof AuthState.Basic) {
      Optional<RegistryCredential> c = credential(registry);
      if (c.isEmpty() || c.get().password().isEmpty()) {
        return null;
      }
      return okhttp3.Credentials.basic(
          c.get().username(), c.get().password().get(), java.nio.charset.StandardCharsets.UTF_8);
    }
    if (state instanceof AuthState.Bearer b) {
      Optional<RegistryCredential> c = credential(registry);
      checkRealm(registry, b.realm(), c.isPresent(), ctx);
      BearerToken t =
          tokens.token(
              new TokenService.Key(registry.toLowerCase(Locale.ROOT), b.realm(), b.service()),
              scopes,
              c,
              forceToken,
              ctx);
      return "Bearer " + t.token();
    }
    return null;
  }

  private void checkRealm(
      String registry, HttpUrl realm, boolean hasCredential, Failures.Context ctx) {
    RealmApproval key = new RealmApproval(registry.toLowerCase(Locale.ROOT), realm, hasCredential);
    if (approvedRealms.contains(key)) {
      return;
    }
    String realmHost = realm.host().toLowerCase(Locale.ROOT);
    String registryHost = Hosts.hostOnly(registry);
    if (!realm.isHttps()) {
      String authority = Hosts.authority(realm).toLowerCase(Locale.ROOT);
      boolean allowed =
          Hosts.isLoopbackName(authority)
              || insecure.contains(authority)
              || insecure.contains(realmHost);
      if (!allowed && hasCredential) {
        throw Failures.unsafeRealm(
            ctx,
            Redaction.url(realm),
            "it uses plain HTTP and "
                + realmHost
                + " is neither loopback nor marked insecure; credentials are sent over HTTPS only");
      }
    }
    if (!realmHost.equals(registryHost)) {
      Hosts.Reach realmReach = Hosts.reach(realmHost, client.dns());
      if (realmReach != Hosts.Reach.PUBLIC) {
        Hosts.Reach registryReach = Hosts.reach(registryHost, client.dns());
        if (realmReach != registryReach) {
          throw Failures.unsafeRealm(
              ctx,
              Redaction.url(realm),
              "it points at a "
                  + realmReach.name().toLowerCase(Locale.ROOT)
                  + " address of another host than the registry ("
                  + registryReach.name().toLowerCase(Locale.ROOT)
                  + ")");
        }
      }
    }
    approvedRealms.add(key);
  }

  @Override
  public void close() {
    tokens.clear();
    HttpClients.shutdown(client, settings);
  }
}
