package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.testing.InterruptedRun;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryClientReadTest {
  private final MockWebServer server = new MockWebServer();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final HttpSettings http = HttpSettings.defaults().withSleeper(sleeps::add);
  private String registry;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    registry = "127.0.0.1:" + server.getPort();
    client = RegistryClient.builder().http(http).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry + "/" + repoAndTag);
  }

  private FakeRegistry fake() {
    FakeRegistry fake = new FakeRegistry();
    server.setDispatcher(fake);
    return fake;
  }

  private Scripted scripted() {
    Scripted s = new Scripted();
    server.setDispatcher(s);
    return s;
  }

  @Test
  void headReadsDigestMediaTypeAndSizeFromHeadersWithTheFullAcceptList() {
    FakeRegistry fake = fake();
    String json = FakeRegistry.ociManifest("a");
    Digest digest = fake.put("app", "v1", json, MediaTypes.OCI_MANIFEST);

    Optional<Descriptor> found = client.head(ref("app:v1"));

    assertThat(found).isPresent();
    assertThat(found.get().digest()).isEqualTo(digest);
    assertThat(found.get().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(found.get().size()).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length);
    List<RecordedRequest> manifestRequests =
        fake.recorded.stream()
            .filter(r -> r.getUrl().encodedPath().contains("/manifests/"))
            .toList();
    assertThat(manifestRequests).extracting(RecordedRequest::getMethod).containsExactly("HEAD");
    String accept = manifestRequests.get(0).getHeaders().get("Accept");
    assertThat(accept)
        .contains(MediaTypes.OCI_INDEX)
        .contains(MediaTypes.DOCKER_MANIFEST_LIST)
        .contains(MediaTypes.OCI_MANIFEST)
        .contains(MediaTypes.DOCKER_MANIFEST);
    assertThat(client.exists(ref("app:v1"))).isTrue();
  }

  @Test
  void headWithoutDigestHeaderFallsBackToGetAndHashesTheBytes() {
    FakeRegistry fake = fake();
    fake.digestOnHead = false;
    String json = FakeRegistry.ociManifest("b");
    Digest digest = fake.put("app", "v1", json, MediaTypes.OCI_MANIFEST);

    Descriptor d = client.head(ref("app:v1")).orElseThrow();

    assertThat(d.digest()).isEqualTo(digest);
    assertThat(d.size()).isEqualTo(json.length());
    assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(
            fake.recorded.stream()
                .filter(r -> r.getUrl().encodedPath().contains("/manifests/"))
                .map(RecordedRequest::getMethod))
        .containsExactly("HEAD", "GET");
  }

  @Test
  void headAnswering404IsEmptyNotAnError() {
    scripted().then(new MockResponse.Builder().code(404));
    assertThat(client.head(ref("app:missing"))).isEmpty();
    scripted().then(new MockResponse.Builder().code(404));
    assertThat(client.exists(ref("app:missing"))).isFalse();
  }

  @Test
  void manifest404WithErrorBodyCarriesTheCodeAndDetail() {
    fake();
    assertThatThrownBy(() -> client.manifest(ref("app:nope")))
        .isInstanceOf(RegistryException.class)
        .satisfies(
            e -> {
              RegistryException re = (RegistryException) e;
              assertThat(re.status()).isEqualTo(404);
              assertThat(re.hasCode(RegistryErrorCode.MANIFEST_UNKNOWN)).isTrue();
              assertThat(re.errors().get(0).detailJson()).contains("{\"Tag\":\"nope\"}");
              assertThat(re.registry()).contains(registry);
              assertThat(re.repository()).contains("app");
              assertThat(re.getMessage())
                  .contains("404")
                  .contains(registry)
                  .contains("MANIFEST_UNKNOWN");
            });
  }

  @Test
  void manifest404WithoutBodyIsATypedErrorWithoutCodes() {
    scripted().then(new MockResponse.Builder().code(404));
    assertThatThrownBy(() -> client.manifest(ref("app:nope")))
        .isInstanceOf(RegistryException.class)
        .satisfies(
            e -> {
              assertThat(((RegistryException) e).status()).isEqualTo(404);
              assertThat(((RegistryException) e).errors()).isEmpty();
            });
  }

  @Test
  void unauthorizedAfterBasicIsMappedAndNamesTheCredentialSourceButNotTheSecret() {
    Scripted s = scripted();
    MockResponse.Builder unauthorized =
        new MockResponse.Builder()
            .code(401)
            .addHeader("WWW-Authenticate", "Basic realm=\"r\""); // HEAD: no body
    s.then(unauthorized).then(unauthorized).then(unauthorized);
    try (RegistryClient c =
        RegistryClient.builder()
            .http(http)
            .credentials(Credentials.basic("x", "s3cr3t-password"))
            .build()) {
      assertThatThrownBy(() -> c.head(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("401")
          .hasMessageContaining(registry)
          .hasMessageContaining("credentials from explicit credentials")
          .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cr3t-password"));
    }
    // one unauthenticated attempt, one with Basic, then final: never a loop
    assertThat(s.requests).hasSize(2);
    assertThat(s.requests.get(0).getHeaders().get("Authorization")).isNull();
    assertThat(s.requests.get(1).getHeaders().get("Authorization")).startsWith("Basic ");
  }

  @Test
  void unauthorizedWithoutCredentialsSaysNoneWereFound() {
    scripted()
        .then(
            new MockResponse.Builder()
                .code(401)
                .addHeader("WWW-Authenticate", "Basic realm=\"r\""));
    assertThatThrownBy(() -> client.head(ref("app:v1")))
        .isInstanceOf(RegistryAuthenticationException.class)
        .hasMessageContaining("no credentials")
        .hasMessageContaining("none were found for " + registry)
        .satisfies(
            e -> {
              RegistryException r = (RegistryException) e;
              assertThat(r.problem()).contains("none were found for " + registry);
              assertThat(r.problem()).doesNotContain("Credentials.");
              assertThat(r.advice())
                  .hasValueSatisfying(
                      a ->
                          assertThat(a)
                              .startsWith("the client has no credentials for " + registry)
                              .contains("credentials(Credentials.defaultChain())"));
              assertThat(r.getMessage()).isEqualTo(r.problem() + "; " + r.advice().get());
            });
  }

  @Test
  void forbiddenIsDeniedAndFinal() {
    Scripted s = scripted();
    s.then(
        new MockResponse.Builder()
            .code(403)
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}"));
    assertThatThrownBy(() -> client.manifest(ref("app:v1")))
        .isInstanceOf(RegistryDeniedException.class)
        .hasMessageContaining("403")
        .hasMessageContaining("DENIED")
        .satisfies(
            e -> assertThat(((RegistryException) e).hasCode(RegistryErrorCode.DENIED)).isTrue());
    assertThat(s.requests).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void badRequestIsNeverRetried() {
    Scripted s = scripted();
    s.then(new MockResponse.Builder().code(400).body("{\"errors\":[{\"code\":\"NAME_INVALID\"}]}"));
    assertThatThrownBy(() -> client.manifest(ref("app:v1")))
        .isInstanceOf(RegistryException.class)
        .satisfies(
            e ->
                assertThat(((RegistryException) e).hasCode(RegistryErrorCode.NAME_INVALID))
                    .isTrue());
    assertThat(s.requests).hasSize(1);
  }

  @Test
  void tooManyRequestsHonoursRetryAfter() {
    FakeRegistry fake = new FakeRegistry();
    Digest d = fake.put("app", "v1", FakeRegistry.ociManifest("c"), MediaTypes.OCI_MANIFEST);
    Scripted s = scripted();
    s.then(new MockResponse.Builder().code(429).addHeader("Retry-After", "7"));
    // then the real answer
    s.queue.add(fake.dispatch(headRequest()));

    assertThat(client.head(ref("app:v1")).orElseThrow().digest()).isEqualTo(d);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    assertThat(s.requests).hasSize(2);
  }

  private static RecordedRequest headRequest() {
    return new RecordedRequest(
        0,
        0,
        null,
        List.of(),
        "HEAD",
        "/v2/app/manifests/v1",
        "HTTP/1.1",
        okhttp3.HttpUrl.get("http://127.0.0.1/v2/app/manifests/v1"),
        okhttp3.Headers.of(),
        okio.ByteString.EMPTY,
        0,
        List.of(),
        null);
  }

  @Test
  void tooManyRequestsThroughEveryAttemptIsRateLimited() {
    Scripted s = scripted();
    for (int i = 0; i < 4; i++) {
      s.then(
          new MockResponse.Builder()
              .code(429)
              .addHeader("Retry-After", "3")
              .body("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}"));
    }
    assertThatThrownBy(() -> client.manifest(ref("app:v1")))
        .isInstanceOf(RateLimitedException.class)
        .satisfies(
            e -> {
              assertThat(((RateLimitedException) e).retryAfter()).contains(Duration.ofSeconds(3));
              assertThat(((RegistryException) e).hasCode(RegistryErrorCode.TOOMANYREQUESTS))
                  .isTrue();
            });
    assertThat(s.requests).hasSize(http.retry().maxAttempts());
    assertThat(sleeps)
        .hasSize(http.retry().maxAttempts() - 1)
        .allMatch(Duration.ofSeconds(3)::equals);
  }

  @Test
  void serviceUnavailableTwiceThenOk() {
    String json = FakeRegistry.ociManifest("d");
    Scripted s = scripted();
    s.then(new MockResponse.Builder().code(503))
        .then(new MockResponse.Builder().code(503))
        .then(manifestResponse(json, MediaTypes.OCI_MANIFEST));
    Manifest m = client.manifest(ref("app:v1"));
    assertThat(m.bytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    assertThat(s.requests).hasSize(3);
    assertThat(sleeps).hasSize(2);
  }

  private static MockResponse.Builder manifestResponse(String json, String type) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", type)
        .addHeader("Docker-Content-Digest", Digest.sha256(bytes).toString())
        .body(new Buffer().write(bytes));
  }

  @Test
  void disconnectInTheMiddleOfTheBodyIsRetried() {
    String json = FakeRegistry.ociManifest("e");
    Scripted s = scripted();
    s.then(
            manifestResponse(json, MediaTypes.OCI_MANIFEST)
                .onResponseBody(new SocketEffect.CloseSocket()))
        .then(manifestResponse(json, MediaTypes.OCI_MANIFEST));
    Manifest m = client.manifest(ref("app:v1"));
    assertThat(m.digest()).isEqualTo(Digest.sha256(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(s.requests).hasSize(2);
  }

  @Test
  void networkFailureThroughEveryAttemptIsRegistryIoException() {
    Scripted s = scripted();
    for (int i = 0; i < 4; i++) {
      s.then(
          manifestResponse(FakeRegistry.ociManifest("f"), MediaTypes.OCI_MANIFEST)
              .onResponseBody(new SocketEffect.CloseSocket()));
    }
    assertThatThrownBy(() -> client.manifest(ref("app:v1")))
        .isInstanceOf(RegistryIoException.class)
        .hasMessageContaining(registry + "/app")
        .satisfies(e -> assertThat(((RegistryException) e).status()).isZero());
  }

  @Test
  void oversizedManifestIsRefusedFromContentLength() {
    Scripted s = scripted();
    String big = FakeRegistry.ociManifest("g") + " ".repeat(2000);
    s.then(manifestResponse(big, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = RegistryClient.builder().http(http).maxManifestBytes(1000).build()) {
      assertThatThrownBy(() -> c.manifest(ref("app:v1")))
          .isInstanceOf(ManifestTooLargeException.class)
          .hasMessageContaining("Content-Length")
          .satisfies(
              e -> {
                ManifestTooLargeException t = (ManifestTooLargeException) e;
                assertThat(t.limit()).isEqualTo(1000);
                assertThat(t.declaredSize()).hasValue(big.length());
              });
    }
    assertThat(s.requests).hasSize(1);
  }

  @Test
  void oversizedChunkedManifestIsRefusedWhileReading() {
    Scripted s = scripted();
    String big = FakeRegistry.ociManifest("h") + " ".repeat(5000);
    s.then(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
            .chunkedBody(big, 512));
    try (RegistryClient c = RegistryClient.builder().http(http).maxManifestBytes(1000).build()) {
      assertThatThrownBy(() -> c.manifest(ref("app:v1")))
          .isInstanceOf(ManifestTooLargeException.class)
          .satisfies(e -> assertThat(((ManifestTooLargeException) e).declaredSize()).isEmpty());
    }
    assertThat(s.requests.get(0).getMethod()).isEqualTo("GET");
  }

  @Test
  void byDigestPullThatHashesToSomethingElseIsRefused() {
    String json = FakeRegistry.ociManifest("i");
    Digest wanted = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    scripted()
        .then(
            new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                .body(json));
    ImageReference byDigest = ref("app@" + wanted);
    assertThatThrownBy(() -> client.manifest(byDigest))
        .isInstanceOf(DigestMismatchException.class)
        .satisfies(
            e -> {
              DigestMismatchException d = (DigestMismatchException) e;
              assertThat(d.expected()).isEqualTo(wanted);
              assertThat(d.actual())
                  .isEqualTo(Digest.sha256(json.getBytes(StandardCharsets.UTF_8)));
            });
  }

  @Test
  void byDigestPullThatMatchesIsAccepted() {
    FakeRegistry fake = fake();
    Digest d = fake.put("app", "v1", FakeRegistry.ociManifest("j"), MediaTypes.OCI_MANIFEST);
    Manifest m = client.manifest(ref("app@" + d));
    assertThat(m.digest()).isEqualTo(d);
    assertThat(m).isInstanceOf(OciManifest.class);
  }

  @Test
  void dockerContentDigestHeaderThatDisagreesWithTheBytesIsRefused() {
    String json = FakeRegistry.ociManifest("k");
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    scripted()
        .then(
            new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                .addHeader("Docker-Content-Digest", other.toString())
                .body(json));
    assertThatThrownBy(() -> client.manifest(ref("app:v1")))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("Docker-Content-Digest");
  }

  @Test
  void mediaTypeThatDisagreesWithContentTypeIsRefused() {
    String json = FakeRegistry.ociManifest("l");
    scripted().then(manifestResponse(json, MediaTypes.DOCKER_MANIFEST));
    assertThatThrownBy(() -> client.manifest(ref("app:v1")))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("GET manifest");
  }

  @Test
  void tagsFollowLinkPaginationOverThreePages() {
    FakeRegistry fake = fake();
    fake.pageSize = 2;
    for (String t : List.of("a", "b", "c", "d", "e")) {
      fake.put("app", t, FakeRegistry.ociManifest(t), MediaTypes.OCI_MANIFEST);
    }
    assertThat(client.tags(ref("app:whatever"))).containsExactly("a", "b", "c", "d", "e");
    List<RecordedRequest> pages =
        fake.recorded.stream()
            .filter(r -> r.getUrl().encodedPath().endsWith("/tags/list"))
            .toList();
    assertThat(pages).hasSize(3);
    assertThat(pages.get(1).getUrl().queryParameter("last")).isEqualTo("b");
    assertThat(pages.get(2).getUrl().queryParameter("last")).isEqualTo("d");
  }

  @Test
  void tagsFollowAbsoluteLinks() {
    Scripted s = scripted();
    String next = "http://" + registry + "/v2/app/tags/list?last=b&n=2";
    s.then(
            new MockResponse.Builder()
                .code(200)
                .addHeader("Link", "<" + next + ">; rel=\"next\"")
                .body("{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}"))
        .then(new MockResponse.Builder().code(200).body("{\"name\":\"app\",\"tags\":[\"c\"]}"));
    assertThat(client.tags(registry, "app")).containsExactly("a", "b", "c");
    assertThat(s.requests.get(1).getUrl().toString()).isEqualTo(next);
  }

  @Test
  void tagListingRefusedIsTyped() {
    fake();
    assertThatThrownBy(() -> client.tags(registry, "unknown-repo"))
        .isInstanceOf(TagListingUnsupportedException.class)
        .hasMessageContaining("404")
        .hasMessageContaining("NAME_UNKNOWN");
    scripted().then(new MockResponse.Builder().code(405).body("<html>Method Not Allowed</html>"));
    assertThatThrownBy(() -> client.tags(registry, "app"))
        .isInstanceOf(TagListingUnsupportedException.class)
        .hasMessageContaining("405");
  }

  @Test
  void htmlErrorBodiesAreToleratedAndBounded() {
    Scripted s = scripted();
    String html = "<html><body>" + "<p>Bad gateway</p>\n".repeat(20_000) + "</body></html>";
    for (int i = 0; i < 4; i++) {
      s.then(
          new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html").body(html));
    }
    assertThatThrownBy(() -> client.manifest(ref("app:v1")))
        .isInstanceOf(RegistryException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).contains("502").contains("<html><body><p>Bad gateway</p>");
              assertThat(e.getMessage().length()).isLessThan(1200);
              assertThat(((RegistryException) e).errors()).isEmpty();
            });
  }

  @Test
  void existsAllChecksFiveHundredReferencesMixedAndKeepsInputOrder() {
    FakeRegistry fake = fake();
    List<ImageReference> refs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      refs.add(ref("app:t" + i));
      if (i % 3 == 0) {
        fake.put("app", "t" + i, FakeRegistry.ociManifest("t" + i), MediaTypes.OCI_MANIFEST);
      }
    }
    java.util.Collections.shuffle(refs, new java.util.Random(42));
    try (RegistryClient c = RegistryClient.builder().http(http.withMaxConcurrency(16)).build()) {
      Map<ImageReference, Optional<Descriptor>> result = c.existsAll(refs);
      assertThat(List.copyOf(result.keySet())).isEqualTo(refs);
      // kept-alive connections: 500 checks over a handful of connections, not one each
      assertThat(fake.recorded.stream().map(RecordedRequest::getConnectionIndex).distinct().count())
          .isLessThanOrEqualTo(20);
      for (ImageReference r : refs) {
        int i = Integer.parseInt(r.tag().orElseThrow().substring(1));
        if (i % 3 == 0) {
          assertThat(result.get(r)).as(r.toString()).isPresent();
          assertThat(result.get(r).get().digest())
              .isEqualTo(
                  Digest.sha256(
                      FakeRegistry.ociManifest("t" + i).getBytes(StandardCharsets.UTF_8)));
        } else {
          assertThat(result.get(r)).as(r.toString()).isEmpty();
        }
      }
    }
  }

  @Test
  void existsAllPropagatesAFailure() {
    Scripted s = scripted();
    for (int i = 0; i < 10; i++) {
      s.then(new MockResponse.Builder().code(403));
    }
    List<ImageReference> refs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      refs.add(ref("app:t" + i));
    }
    assertThatThrownBy(() -> client.existsAll(refs)).isInstanceOf(RegistryDeniedException.class);
  }

  @Test
  void insecureRegistriesAndLoopbackUsePlainHttpOthersHttps() {
    try (RegistryClient c =
        RegistryClient.builder()
            .http(http)
            .insecureRegistries("my-registry.internal:5000")
            .build()) {
      assertThat(c.transport().baseUrl("my-registry.internal:5000").scheme()).isEqualTo("http");
      assertThat(c.transport().baseUrl("my-registry.internal:5001").scheme()).isEqualTo("https");
      assertThat(c.transport().baseUrl("localhost:5000").scheme()).isEqualTo("http");
      assertThat(c.transport().baseUrl("[::1]:5000").scheme()).isEqualTo("http");
      assertThat(c.transport().baseUrl("127.0.0.1:5000").scheme()).isEqualTo("http");
      assertThat(c.transport().baseUrl("registry.fly.io").toString())
          .isEqualTo("https://registry.fly.io/v2/");
    }
  }

  @Test
  void anInterruptEndsACheckBlockedOnTheRegistryWithATypedErrorAndKeepsTheFlag() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(60, TimeUnit.SECONDS).build());
    InterruptedRun run = InterruptedRun.start(() -> client.exists(ref("app:v1")));
    server.takeRequest();
    Thread.sleep(100); // blocked reading the answer
    InterruptedRun.Outcome outcome = run.interruptAndJoin();

    assertThat(outcome.failure())
        .isInstanceOf(RegistryIoException.class)
        .hasMessageContaining("interrupted");
    assertThat(outcome.stillInterrupted()).isTrue();
    assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
  }

  @Test
  void aChallengeFromAnotherHostNeverChoosesWhereTheRegistrysCredentialsGo() throws Exception {
    List<RecordedRequest> foreignRequests = new CopyOnWriteArrayList<>();
    try (MockWebServer foreign = new MockWebServer()) {
      foreign.start(InetAddress.getByName("127.0.0.1"), 0);
      String realm = "http://127.0.0.1:" + foreign.getPort() + "/token";
      foreign.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              foreignRequests.add(request);
              if (request.getUrl().encodedPath().equals("/token")) {
                return FakeRegistry.json(200, "{\"token\":\"stolen\"}");
              }
              return new MockResponse.Builder()
                  .code(401)
                  .addHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"x\"")
                  .build();
            }
          });
      Scripted s = scripted();
      String next = "http://127.0.0.1:" + foreign.getPort() + "/v2/app/tags/list?last=a";
      s.then(
              new MockResponse.Builder()
                  .code(200)
                  .addHeader("Link", "<" + next + ">; rel=\"next\"")
                  .body("{\"name\":\"app\",\"tags\":[\"a\"]}"))
          .then(
              new MockResponse.Builder()
                  .code(200)
                  .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                  .addHeader("Docker-Content-Digest", "sha256:" + "a".repeat(64))
                  .addHeader("Content-Length", "10"));
      try (RegistryClient c =
          RegistryClient.builder().http(http).credentials(Credentials.basic("x", "pw-1")).build()) {
        assertThatThrownBy(() -> c.tags(registry, "app"))
            .isInstanceOfSatisfying(
                RegistryAuthenticationException.class,
                e ->
                    assertThat(e.getMessage())
                        .contains("127.0.0.1:" + foreign.getPort())
                        .contains("another origin")
                        .doesNotContain("pw-1"));

        // the registry itself is still reached as before, and nothing went to the other host
        assertThat(c.head(ref("app:v1"))).isPresent();
      }
      assertThat(foreignRequests)
          .allSatisfy(r -> assertThat(r.getHeaders().get("Authorization")).isNull())
          .noneMatch(r -> r.getUrl().encodedPath().equals("/token"));
    }
  }

  @Test
  void aNextLinkThatIsNotAUrlFailsInsteadOfEndingTheListEarly() {
    Scripted s = scripted();
    s.then(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Link", "<http://bad host/v2/app/tags/list?last=b>; rel=\"next\"")
            .body("{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}"));
    assertThatThrownBy(() -> client.tags(registry, "app"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("Link header")
        .hasMessageContaining("http://bad host/v2/app/tags/list?last=b");
    s.then(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Link", "<ftp://" + registry + "/v2/app/tags/list?last=b>; rel=next")
            .body("{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}"));
    assertThatThrownBy(() -> client.tags(registry, "app"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("not an http(s) URL");
  }

  @Test
  void headBySha512WhereTheRegistryAnswersSha256ChecksTheBytesInstead() {
    String json = FakeRegistry.ociManifest("s");
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Digest sha512 = Digest.of(Digest.SHA512, bytes);
    Digest sha256 = Digest.sha256(bytes);
    MockResponse.Builder head =
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
            .addHeader("Docker-Content-Digest", sha256.toString())
            .addHeader("Content-Length", bytes.length);
    Scripted s = scripted();
    s.then(head).then(manifestResponse(json, MediaTypes.OCI_MANIFEST));
    ImageReference bySha512 = ref("app@" + sha512);

    Descriptor d = client.head(bySha512).orElseThrow();

    assertThat(d.digest()).isEqualTo(sha256);
    assertThat(d.size()).isEqualTo(bytes.length);
    assertThat(s.requests).extracting(RecordedRequest::getMethod).containsExactly("HEAD", "GET");

    // and bytes that are not the sha512 content are still refused
    s.then(head).then(manifestResponse(FakeRegistry.ociManifest("t"), MediaTypes.OCI_MANIFEST));
    assertThatThrownBy(() -> client.head(bySha512)).isInstanceOf(DigestMismatchException.class);
  }

  @Test
  void aHostWhoseBaseEndpointAnswers404IsNotARegistryRatherThanAllImagesMissing() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder().code(404).body("<html>Not Found</html>").build();
          }
        });

    assertThatThrownBy(() -> client.exists(ref("app:v1")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("GET http://" + registry + "/v2/: 404 from " + registry)
        .hasMessageContaining("does not serve the registry API")
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(404));
    assertThatThrownBy(() -> client.existsAll(List.of(ref("app:v1"), ref("app:v2"))))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("does not serve the registry API");
  }

  @Test
  void aCallerWaitingOnAnotherCallersPingIsNotFailedByThatCallersInterrupt() throws Exception {
    FakeRegistry fake = new FakeRegistry();
    fake.put("app", "v1", FakeRegistry.ociManifest("a"), MediaTypes.OCI_MANIFEST);
    AtomicInteger pings = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            if (request.getUrl().encodedPath().equals("/v2/") && pings.getAndIncrement() == 0) {
              return new MockResponse.Builder()
                  .code(200)
                  .headersDelay(60, TimeUnit.SECONDS)
                  .build();
            }
            return fake.dispatch(request);
          }
        });
    InterruptedRun leader = InterruptedRun.start(() -> client.exists(ref("app:v1")));
    InterruptedRun.await(() -> pings.get() > 0, "the leader pinged");
    InterruptedRun joiner =
        InterruptedRun.start(() -> client.exists(ref("app:v1")))
            .awaitParked("the joiner waits on the leader's ping");

    InterruptedRun.Outcome led = leader.interruptAndJoin();
    InterruptedRun.Outcome joined = joiner.join();

    assertThat(led.failure())
        .isInstanceOf(RegistryIoException.class)
        .hasMessageContaining("interrupted");
    assertThat(joined.failure()).isNull();
    assertThat(joined.result())
        .as("the joiner pinged again itself instead of failing with the leader's interrupt")
        .isEqualTo(true);
    assertThat(pings.get()).isEqualTo(2);
  }

  @Test
  void aCallerWaitingOnAnotherCallersPingEndsAtOnceWhenItIsInterruptedItself() throws Exception {
    AtomicInteger pings = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            pings.incrementAndGet();
            return new MockResponse.Builder().code(200).headersDelay(60, TimeUnit.SECONDS).build();
          }
        });
    InterruptedRun leader = InterruptedRun.start(() -> client.exists(ref("app:v1")));
    try {
      InterruptedRun.await(() -> pings.get() > 0, "the leader pinged");
      InterruptedRun joiner =
          InterruptedRun.start(() -> client.exists(ref("app:v1")))
              .awaitParked("the joiner waits on the leader's ping");

      InterruptedRun.Outcome joined = joiner.interruptAndJoin();

      assertThat(joined.failure())
          .isInstanceOf(RegistryIoException.class)
          .hasMessageContaining("interrupted");
      assertThat(joined.stillInterrupted()).as("the joiner's interrupt flag is kept").isTrue();
      assertThat(pings.get()).as("the joiner sent nothing itself").isEqualTo(1);
    } finally {
      leader.interruptAndJoin();
    }
  }
}
