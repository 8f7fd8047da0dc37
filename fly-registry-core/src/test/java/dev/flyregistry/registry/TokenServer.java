package dev.flyregistry.registry;

import dev.flyregistry.internal.registry.Scope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A token service for tests: issues {@code tok-N} tokens for the requested scopes (filtered by a
 * grant policy), counts requests, and records what it was sent.
 */
final class TokenServer extends Dispatcher {
  /** Tokens issued, with the scopes they grant; the fake registry checks against this. */
  final Map<String, List<Scope>> issued = new ConcurrentHashMap<>();

  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger getRequests = new AtomicInteger();
  final AtomicInteger postRequests = new AtomicInteger();
  final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();

  volatile String username;
  volatile String password;
  volatile String refreshToken;
  volatile boolean postSupported = true;
  volatile boolean accessTokenField;
  volatile long expiresIn = 300;
  volatile String issuedAt;

  /** Given the requesting user (null: anonymous) and a scope, the actions granted. */
  volatile BiFunction<String, Scope, Set<String>> policy = (user, scope) -> scope.actions();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    int number = requests.incrementAndGet();
    recorded.add(request);
    List<Scope> wanted = new ArrayList<>();
    String user;
    if (request.getMethod().equals("POST")) {
      postRequests.incrementAndGet();
      if (!postSupported) {
        return new MockResponse.Builder().code(404).body("404 page not found").build();
      }
      Map<String, String> form = form(request.getBody().utf8());
      if (!"refresh_token".equals(form.get("grant_type"))
          || refreshToken == null
          || !refreshToken.equals(form.get("refresh_token"))) {
        return new MockResponse.Builder().code(401).body("{\"error\":\"invalid_grant\"}").build();
      }
      user = "refresh-user";
      String scope = form.getOrDefault("scope", "");
      wanted.addAll(Scope.parseAll(scope));
    } else {
      getRequests.incrementAndGet();
      HttpUrl url = request.getUrl();
      for (String s : url.queryParameterValues("scope")) {
        Scope.parse(s).ifPresent(wanted::add);
      }
      String auth = request.getHeaders().get("Authorization");
      user = null;
      if (auth != null) {
        String decoded =
            new String(
                Base64.getDecoder().decode(auth.substring("Basic ".length())),
                StandardCharsets.UTF_8);
        if (username == null || !decoded.equals(username + ":" + password)) {
          return new MockResponse.Builder()
              .code(401)
              .addHeader("Content-Type", "application/json")
              .body(
                  "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid username or"
                      + " password\"}]}")
              .build();
        }
        user = username;
      }
    }
    List<Scope> granted = new ArrayList<>();
    for (Scope s : wanted) {
      Set<String> actions = new TreeSet<>(policy.apply(user, s));
      actions.retainAll(s.actions());
      if (!actions.isEmpty()) {
        granted.add(new Scope(s.type(), s.name(), actions));
      }
    }
    String token = "tok-" + number;
    issued.put(token, Collections.unmodifiableList(granted));
    StringBuilder json = new StringBuilder("{");
    json.append(accessTokenField ? "\"access_token\":\"" : "\"token\":\"")
        .append(token)
        .append('"');
    json.append(",\"expires_in\":").append(expiresIn);
    if (issuedAt != null) {
      json.append(",\"issued_at\":\"").append(issuedAt).append('"');
    }
    json.append('}');
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(json.toString())
        .build();
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
