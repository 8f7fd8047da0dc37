package dev.flyregistry.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.FlyException;
import dev.flyregistry.auth.RegistryCredential;
import dev.flyregistry.internal.http.Bodies;
import dev.flyregistry.internal.http.Interrupts;
import dev.flyregistry.internal.http.Redaction;
import dev.flyregistry.internal.http.RetryExecutor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchanges credentials for bearer tokens at a registry's token service and caches them.
 *
 * <ul>
 *   <li>GET {@code realm?service=S&scope=A&scope=B}, with the registry's Basic credentials when a
 *       password is held; the OAuth2 POST form ({@code grant_type=refresh_token}) when an identity
 *       token is held, falling back to GET when the service answers 404 or 405;
 *   <li>{@code token} or {@code access_token}; {@code expires_in} (default and minimum 60 s)
 *       counted from {@code issued_at} when it is plausible, else from now;
 *   <li>tokens cached per (registry, realm, service), a broader token serving a narrower request,
 *       refreshed shortly before expiry;
 *   <li>concurrent requests for the same scopes share one exchange;
 *   <li>a redirect ({@code 3xx}) from the token service is not followed but refused with a typed
 *       error: the request carries the credential (Basic, or the refresh token in the POST body,
 *       which a {@code 307}/{@code 308} would resend to wherever it points). The executor's client
 *       must not follow redirects itself.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class TokenService {
  private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
  private static final int MAX_TOKEN_RESPONSE = 1024 * 1024;

  /** What the token is for, for the cache key and messages. */
  record Key(String registry, HttpUrl realm, String service) {}

  /**
   * One exchange in progress. Forced exchanges (the registry refused a token) are kept apart from
   * plain ones: a plain flight may answer from the cache, or have started before the refusal, so a
   * forced caller joining it could be handed the very token that was refused.
   */
  private record Flight(Key key, Set<Scope> scopes, boolean forced) {}

  private final RetryExecutor executor;
  private final Clock clock;
  private final String clientId;
  private final Map<Key, List<BearerToken>> cache = new ConcurrentHashMap<>();
  private final Map<Flight, CompletableFuture<BearerToken>> inFlight = new ConcurrentHashMap<>();

  public TokenService(RetryExecutor executor, Clock clock, String clientId) {
    this.executor = executor;
    this.clock = clock;
    this.clientId = clientId;
  }

  /**
   * A token for the scopes: from the cache when a usable one covers them, else from one exchange
   * shared with every concurrent caller asking for the same scopes.
   *
   * @param force skip the cache (the registry refused the cached token) and drop the tokens that
   *     cover these scopes
   */
  BearerToken token(
      Key key,
      Set<Scope> scopes,
      Optional<RegistryCredential> credential,
      boolean force,
      Failures.Context context) {
    Set<Scope> wanted = Scope.normalize(scopes);
    if (force) {
      invalidate(key, wanted);
    } else {
      BearerToken hit = lookup(key, wanted);
      if (hit != null) {
        return hit;
      }
    }
    Flight flight = new Flight(key, wanted, force);
    CompletableFuture<BearerToken> mine = new CompletableFuture<>();
    CompletableFuture<BearerToken> running;
    while ((running = inFlight.putIfAbsent(flight, mine)) != null) {
      try {
        return Interrupts.await(running);
      } catch (InterruptedIOException e) {
        throw Failures.io(context, "token request to " + Redaction.url(key.realm()) + " failed", e);
      } catch (CompletionException e) {
        if (e.getCause() instanceof Interrupts.Abandoned) {
          continue; // the exchanging caller was interrupted, not this one: exchange again
        }
        if (e.getCause() instanceof FlyException f) {
          throw f;
        }
        throw e;
      }
    }
    BearerToken t;
    try {
      t = force ? null : lookup(key, wanted);
      if (t == null) {
        t = exchange(key, wanted, credential, context);
        store(key, t);
      }
    } catch (RuntimeException | Error e) {
      inFlight.remove(flight, mine);
      // joiners see the same failure instead of waiting forever (or try again themselves when
      // this thread's interrupt caused it)
      mine.completeExceptionally(Interrupts.forJoiners(e));
      throw e;
    }
    // Leave the map before completing: a caller arriving from now on starts its own flight (and
    // finds the stored token in the cache) instead of joining one whose answer may already have
    // been refused by the registry.
    inFlight.remove(flight, mine);
    mine.complete(t);
    return t;
  }

  private BearerToken lookup(Key key, Set<Scope> wanted) {
    Instant now = clock.instant();
    List<BearerToken> tokens = cache.get(key);
    if (tokens == null) {
      return null;
    }
    for (BearerToken t : tokens) {
      if (t.usableAt(now) && Scope.allCovered(t.scopes(), wanted)) {
        return t;
      }
    }
    return null;
  }

  private void invalidate(Key key, Set<Scope> wanted) {
    List<BearerToken> tokens = cache.get(key);
    if (tokens != null) {
      tokens.removeIf(t -> Scope.allCovered(t.scopes(), wanted));
    }
  }

  private void store(Key key, BearerToken t) {
    List<BearerToken> tokens = cache.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    Instant now = clock.instant();
    tokens.removeIf(old -> !old.usableAt(now) || Scope.allCovered(t.scopes(), old.scopes()));
    tokens.add(t);
  }

  private BearerToken exchange(
      Key key,
      Set<Scope> scopes,
      Optional<RegistryCredential> credential,
      Failures.Context context) {
    Optional<String> identityToken = credential.flatMap(RegistryCredential::identityToken);
    if (identityToken.isPresent()) {
      BearerToken viaPost = post(key, scopes, credential.get(), identityToken.get(), context);
      if (viaPost != null) {
        return viaPost;
      }
    }
    return get(key, scopes, credential, context);
  }

  private BearerToken get(
      Key key,
      Set<Scope> scopes,
      Optional<RegistryCredential> credential,
      Failures.Context context) {
    HttpUrl.Builder url = key.realm().newBuilder();
    if (!key.service().isEmpty()) {
      url.addQueryParameter("service", key.service());
    }
    for (Scope s : scopes) {
      url.addQueryParameter("scope", s.toString());
    }
    HttpUrl target = url.build();
    Optional<String> basic =
        credential
            .filter(c -> c.password().isPresent())
            .map(c -> Credentials.basic(c.username(), c.password().get(), UTF_8));
    LOG.debug("token request GET {} for {}", Redaction.url(target), scopes);
    return call(
        () -> {
          Request.Builder b = new Request.Builder().url(target).get();
          basic.ifPresent(v -> b.header("Authorization", v));
          return b.build();
        },
        key,
        scopes,
        context,
        false);
  }

  private BearerToken post(
      Key key,
      Set<Scope> scopes,
      RegistryCredential credential,
      String refreshToken,
      Failures.Context context) {
    FormBody.Builder form =
        new FormBody.Builder()
            .add("grant_type", "refresh_token")
            .add("refresh_token", refreshToken)
            .add("client_id", clientId)
            .add("access_type", "offline");
    if (!key.service().isEmpty()) {
      form.add("service", key.service());
    }
    if (!scopes.isEmpty()) {
      form.add("scope", scopes.stream().map(Scope::toString).collect(Collectors.joining(" ")));
    }
    FormBody body = form.build();
    LOG.debug("token request POST {} for {}", Redaction.url(key.realm()), scopes);
    return call(
        () -> new Request.Builder().url(key.realm()).post(body).build(),
        key,
        scopes,
        context,
        true);
  }

  private static final java.nio.charset.Charset UTF_8 = java.nio.charset.StandardCharsets.UTF_8;

  /** Returns null only for a POST the service does not support (404/405). */
  private BearerToken call(
      java.util.function.Supplier<Request> request,
      Key key,
      Set<Scope> scopes,
      Failures.Context context,
      boolean isPost) {
    try {
      return executor.execute(
          request,
          RetryExecutor.Mode.IDEMPOTENT,
          response -> {
            int code = response.code();
            if (code >= 300 && code < 400) {
              throw Failures.tokenServiceRedirect(context, key.realm(), response);
            }
            if (isPost && (code == 404 || code == 405)) {
              return null;
            }
            if (code != 200) {
              throw Failures.tokenServiceStatus(context, key.realm(), response);
            }
            return parse(readBounded(response), scopes, key, context);
          });
    } catch (IOException e) {
      throw Failures.io(context, "token request to " + Redaction.url(key.realm()) + " failed", e);
    }
  }

  private static byte[] readBounded(Response response) throws IOException {
    byte[] bytes = Bodies.readAtMost(response.body(), MAX_TOKEN_RESPONSE);
    if (bytes == null) {
      throw new IOException("token response larger than " + MAX_TOKEN_RESPONSE + " bytes");
    }
    return bytes;
  }

  BearerToken parse(byte[] body, Set<Scope> scopes, Key key, Failures.Context context) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      // never quote the body: it may hold a token
      throw Failures.tokenResponse(
          context, key.realm(), "the response is not a JSON object (" + body.length + " bytes)");
    }
    String token = text(root, "token");
    if (token == null || token.isEmpty()) {
      token = text(root, "access_token");
    }
    if (token == null || token.isEmpty()) {
      throw Failures.tokenResponse(
          context, key.realm(), "the response has neither \"token\" nor \"access_token\"");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw Failures.tokenResponse(
            context, key.realm(), "the token holds a character not allowed in a header");
      }
    }
    Duration lifetime = MIN_LIFETIME;
    JsonNode expires = root.get("expires_in");
    if (expires != null && expires.canConvertToLong() && expires.asLong() > lifetime.getSeconds()) {
      lifetime = Duration.ofSeconds(Math.min(expires.asLong(), 366L * 24 * 3600));
    }
    Instant now = clock.instant();
    Instant issued = now;
    String issuedAt = text(root, "issued_at");
    if (issuedAt != null) {
      try {
        Instant i = OffsetDateTime.parse(issuedAt).toInstant();
        // trust issued_at only when plausible for our clock (no future, not already expired)
        if (!i.isAfter(now) && i.plus(lifetime).isAfter(now)) {
          issued = i;
        }
      } catch (DateTimeParseException e) {
        // ignore: count from now
      }
    }
    Instant expiresAt = issued.plus(lifetime);
    Duration margin = lifetime.dividedBy(5);
    if (margin.compareTo(Duration.ofSeconds(30)) > 0) {
      margin = Duration.ofSeconds(30);
    }
    return new BearerToken(token, scopes, expiresAt.minus(margin), expiresAt);
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n != null && n.isValueNode() && !n.isNull() ? n.asText() : null;
  }

  /** Drops every cached token (for tests and {@code close()}). */
  void clear() {
    cache.clear();
  }

  /** Scopes of the cached tokens of a key (tests). */
  List<Set<Scope>> cachedScopes(Key key) {
    List<Set<Scope>> out = new ArrayList<>();
    for (BearerToken t : cache.getOrDefault(key, List.of())) {
      out.add(t.scopes());
    }
    return out;
  }

  static Set<Scope> union(Collection<Scope> a, Collection<Scope> b) {
    List<Scope> all = new ArrayList<>(Objects.requireNonNull(a));
    all.addAll(b);
    return Scope.normalize(all);
  }
}
