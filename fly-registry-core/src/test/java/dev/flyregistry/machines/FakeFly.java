package dev.flyregistry.machines;

import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer dispatcher routing by method and path: each route answers its responses in order
 * and repeats the last one. Unrouted requests get a 500 that names them, so a test fails loudly.
 */
final class FakeFly extends Dispatcher {
  static final String TOKEN_TEXT = "fo1_TopSecretUserToken42";
  static final FlyToken TOKEN = FlyToken.parse(TOKEN_TEXT);

  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<MockResponse>> routes = new ConcurrentHashMap<>();

  FakeFly() throws IOException {
    server.setDispatcher(this);
    server.start();
  }

  FakeFly on(String method, String path, MockResponse... responses) {
    routes.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>()).addAll(List.of(responses));
    return this;
  }

  /** Replaces a route's answers. */
  FakeFly set(String method, String path, MockResponse... responses) {
    routes.put(method + " " + path, new ArrayDeque<>(List.of(responses)));
    return this;
  }

  @Override
  public synchronized MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    String key = request.getMethod() + " " + request.getUrl().encodedPath();
    Deque<MockResponse> q = routes.get(key);
    if (q == null || q.isEmpty()) {
      return json(500, "{\"error\":\"unexpected request " + key + "\"}");
    }
    return q.size() > 1 ? q.poll() : q.peek();
  }

  HttpSettings http() {
    return HttpSettings.defaults()
        .withSleeper(sleeps::add)
        .withRetry(RetrySettings.defaults().withJitter(0.0));
  }

  MachinesClient.Builder builder() {
    return MachinesClient.builder()
        .token(TOKEN)
        .endpoint(server.url("/v1").toString())
        .releasesEndpoint(server.url("/api/v1").toString())
        .http(http())
        .rateLimit(RateLimit.none())
        .imageChecker(ImageChecker.NONE);
  }

  MachinesClient client() {
    return builder().build();
  }

  /** "METHOD /path?query" of every request, in order. */
  List<String> log() {
    return requests.stream().map(r -> r.getMethod() + " " + r.getTarget()).toList();
  }

  List<RecordedRequest> requests(String method, String path) {
    return requests.stream()
        .filter(r -> r.getMethod().equals(method) && r.getUrl().encodedPath().equals(path))
        .toList();
  }

  static String body(RecordedRequest r) {
    return r.getBody() == null ? "" : r.getBody().string(StandardCharsets.UTF_8);
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  void stop() {
    server.close();
  }
}
