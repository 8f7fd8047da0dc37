package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.auth.RegistryCredential;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.registry.Scope;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryAuthTest {
  private static final String PASSWORD = "p4ssw0rd-do-not-leak";

  private final MockWebServer registryServer = new MockWebServer();
  private final MockWebServer tokenServer = new MockWebServer();
  private final FakeRegistry fake = new FakeRegistry();
  private final TokenServer tokens = new TokenServer();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HttpSettings http =
      HttpSettings.defaults().withSleeper(sleeps::add).withClock(clock);
  private String registry;

  @BeforeEach
  void start() throws Exception {
    registryServer.setDispatcher(fake);
    tokenServer.setDispatcher(tokens);
    registryServer.start(InetAddress.getByName("127.0.0.1"), 0);
    tokenServer.start(InetAddress.getByName("127.0.0.1"), 0);
    registry = "127.0.0.1:" + registryServer.getPort();
    fake.tokens = tokens;
    fake.realm = "http://127.0.0.1:" + tokenServer.getPort() + "/token";
  }

  @AfterEach
  void stop() {
    registryServer.close();
    tokenServer.close();
  }

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry + "/" + repoAndTag);
  }

  private RegistryClient client(Credentials credentials) {
    return RegistryClient.builder().http(http).credentials(credentials).build();
  }

  private Credentials basic() {
    tokens.username = "alice";
    tokens.password = PASSWORD;
    return Credentials.basic("alice", PASSWORD);
  }

  /** An identity token (refresh token) for alice, as {@code docker login} stores one. */
  private static Credentials identityToken() {
    return host ->
        Optional.of(RegistryCredential.identityToken("alice", "refresh-secret", "config.json"));
  }

  private Digest put(String repo, String tag) {
    return fake.put(repo, tag, FakeRegistry.ociManifest(repo + tag), MediaTypes.OCI_MANIFEST);
  }

  private List<RecordedRequest> manifestRequests() {
    return fake.recorded.stream()
        .filter(r -> r.getUrl().encodedPath().contains("/manifests/"))
        .toList();
  }

  // ---- Basic

  @Test
  void basicIsSentOnEveryRequestOnceTheRegistryAskedForIt() {
    fake.auth = FakeRegistry.Auth.BASIC;
    fake.username = "x";
    fake.password = PASSWORD;
    put("app", "v1");
    try (RegistryClient c = client(Credentials.basic("x", PASSWORD))) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
      assertThat(c.exists(ref("app:v1"))).isTrue();
      assertThat(c.manifest(ref("app:v1")).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }
    // the ping was the only challenge; every manifest request carried Basic from the start
    assertThat(fake.unauthorized.get()).isEqualTo(1);
    assertThat(manifestRequests()).hasSize(3);
    assertThat(manifestRequests())
        .allSatisfy(r -> assertThat(r.getHeaders().get("Authorization")).startsWith("Basic "));
  }

  @Test
  void aClientWithoutCredentialsIsToldHowToGiveItSome() {
    fake.auth = FakeRegistry.Auth.BASIC;
    fake.username = "x";
    fake.password = PASSWORD;
    put("app", "v1");
    try (RegistryClient c = client(Credentials.anonymous())) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("with no credentials")
          .hasMessageContaining("credentials(Credentials.defaultChain())")
          .satisfies(
              e -> {
                // the advice for code is also a part of its own, apart from the problem
                RegistryException r = (RegistryException) e;
                assertThat(r.advice())
                    .hasValueSatisfying(
                        a ->
                            assertThat(a)
                                .startsWith("the client has no credentials for " + registry)
                                .contains("credentials(Credentials.defaultChain())")
                                .contains("credentials(Credentials.fly(token))"));
                assertThat(r.problem())
                    .contains("with no credentials")
                    .doesNotContain("Credentials.")
                    .doesNotContain("the client has no credentials");
                assertThat(r.getMessage()).isEqualTo(r.problem() + "; " + r.advice().get());
              });
    }
    try (RegistryClient c = client(Credentials.basic("x", "wrong-password"))) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageNotContaining("Credentials.defaultChain()")
          .satisfies(
              e -> {
                RegistryException r = (RegistryException) e;
                assertThat(r.advice()).isEmpty();
                assertThat(r.problem()).isEqualTo(r.getMessage());
              });
    }
  }

  @Test
  void basicLearntFromA401OnARequestIsSentPreemptivelyAfterwards() {
    // /v2/ answers 200 but manifests need credentials: the first manifest request learns it
    FakeRegistry partial =
        new FakeRegistry() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getUrl().encodedPath().equals("/v2/")) {
              return FakeRegistry.json(200, "{}");
            }
            return super.dispatch(request);
          }
        };
    partial.auth = FakeRegistry.Auth.BASIC;
    partial.username = "x";
    partial.password = PASSWORD;
    partial.put("app", "v1", FakeRegistry.ociManifest("v1"), MediaTypes.OCI_MANIFEST);
    registryServer.setDispatcher(partial);
    try (RegistryClient c = client(Credentials.basic("x", PASSWORD))) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
      assertThat(c.exists(ref("app:v1"))).isTrue();
      assertThat(c.exists(ref("app:v2"))).isFalse();
    }
    List<String> auth =
        partial.recorded.stream()
            .filter(r -> r.getUrl().encodedPath().contains("/manifests/"))
            .map(r -> String.valueOf(r.getHeaders().get("Authorization")))
            .toList();
    assertThat(auth).hasSize(4);
    assertThat(auth.get(0)).isEqualTo("null");
    assertThat(auth.subList(1, 4)).allMatch(a -> a.startsWith("Basic "));
    assertThat(partial.unauthorized.get()).isEqualTo(1);
  }

  @Test
  void flyTokenIsSentAsPasswordOfUserXAndNamedInErrorsWithoutTheToken() {
    fake.auth = FakeRegistry.Auth.BASIC;
    fake.username = "x";
    fake.password = "fm2_right";
    put("app", "v1");
    FlyToken good = FlyToken.parse("FlyV1 fm2_right");
    try (RegistryClient c = client(Credentials.fly(good))) {
      // loopback is not registry.fly.io: Credentials.fly answers only for Fly's registry
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("no credentials");
    }
    Credentials flyHere =
        host ->
            Optional.of(
                RegistryCredential.basic("x", "fm2_wrong-secret", "Fly token from FLY_API_TOKEN"));
    try (RegistryClient c = client(flyHere)) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("401 from " + registry)
          .hasMessageContaining("with credentials from Fly token from FLY_API_TOKEN")
          .satisfies(e -> assertThat(e.toString()).doesNotContain("fm2_wrong-secret"));
    }
  }

  // ---- Bearer

  @Test
  void bearerGetFlowSendsServiceScopeAndBasicToTheRealmOnly() {
    fake.auth = FakeRegistry.Auth.BEARER;
    Digest d = put("team/app", "v1");
    try (RegistryClient c = client(basic())) {
      assertThat(c.head(ref("team/app:v1")).orElseThrow().digest()).isEqualTo(d);
    }
    assertThat(tokens.requests.get()).isEqualTo(1);
    RecordedRequest tr = tokens.recorded.get(0);
    assertThat(tr.getMethod()).isEqualTo("GET");
    assertThat(tr.getUrl().queryParameter("service")).isEqualTo("test-registry");
    assertThat(tr.getUrl().queryParameterValues("scope"))
        .containsExactly("repository:team/app:pull");
    assertThat(tr.getHeaders().get("Authorization"))
        .isEqualTo(okhttp3.Credentials.basic("alice", PASSWORD, StandardCharsets.UTF_8));
    // the registry never sees the password, only the token
    assertThat(fake.recorded)
        .allSatisfy(
            r ->
                assertThat(String.valueOf(r.getHeaders().get("Authorization")))
                    .doesNotStartWith("Basic"));
    assertThat(manifestRequests().get(0).getHeaders().get("Authorization"))
        .isEqualTo("Bearer tok-1");
  }

  @Test
  void anonymousBearerExchangeWithoutAuthorization() {
    fake.auth = FakeRegistry.Auth.BEARER;
    put("library/nginx", "latest");
    try (RegistryClient c = client(Credentials.anonymous())) {
      assertThat(c.exists(ref("library/nginx:latest"))).isTrue();
    }
    assertThat(tokens.recorded.get(0).getHeaders().get("Authorization")).isNull();
  }

  @Test
  void identityTokenUsesTheOAuth2PostForm() {
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.refreshToken = "refresh-secret";
    put("app", "v1");
    try (RegistryClient c = client(identityToken())) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
    }
    assertThat(tokens.postRequests.get()).isEqualTo(1);
    assertThat(tokens.getRequests.get()).isZero();
    Map<String, String> form = TokenServer.form(tokens.recorded.get(0).getBody().utf8());
    assertThat(form)
        .containsEntry("grant_type", "refresh_token")
        .containsEntry("refresh_token", "refresh-secret")
        .containsEntry("service", "test-registry")
        .containsEntry("scope", "repository:app:pull")
        .containsEntry("access_type", "offline")
        .containsKey("client_id");
  }

  @Test
  void postAnswering404FallsBackToGet() {
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.postSupported = false;
    put("app", "v1");
    try (RegistryClient c = client(identityToken())) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
    }
    assertThat(tokens.recorded)
        .extracting(RecordedRequest::getMethod)
        .containsExactly("POST", "GET");
  }

  @Test
  void accessTokenFieldIsAccepted() {
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.accessTokenField = true;
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
    }
    assertThat(manifestRequests().get(0).getHeaders().get("Authorization"))
        .isEqualTo("Bearer tok-1");
  }

  @Test
  void tokensAreRefreshedShortlyBeforeExpiry() {
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.expiresIn = 300;
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      c.exists(ref("app:v1"));
      clock.advance(Duration.ofSeconds(200));
      c.exists(ref("app:v1"));
      assertThat(tokens.requests.get()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(80)); // 280 s: within the margin before 300 s
      c.exists(ref("app:v1"));
      assertThat(tokens.requests.get()).isEqualTo(2);
    }
    // refreshed before the registry ever refused a token
    assertThat(fake.unauthorized.get()).isEqualTo(1); // the ping
  }

  @Test
  void expiresInBelowSixtySecondsCountsAsSixty() {
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.expiresIn = 5;
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      c.exists(ref("app:v1"));
      clock.advance(Duration.ofSeconds(30));
      c.exists(ref("app:v1"));
      assertThat(tokens.requests.get()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(30));
      c.exists(ref("app:v1"));
      assertThat(tokens.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void issuedAtCountsTowardsExpiry() {
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.expiresIn = 300;
    tokens.issuedAt = clock.instant().minusSeconds(250).toString();
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      c.exists(ref("app:v1"));
      c.exists(ref("app:v1"));
      assertThat(tokens.requests.get()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(30)); // 280 s after issue
      c.exists(ref("app:v1"));
      assertThat(tokens.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aChallengeForAnotherScopeGetsOneReExchangeWithTheAccumulatedScopes() {
    fake.auth = FakeRegistry.Auth.BEARER;
    fake.extraScopes.put("app", List.of(Scope.pull("base")));
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
      assertThat(tokens.requests.get()).isEqualTo(2);
      assertThat(tokens.recorded.get(1).getUrl().queryParameterValues("scope"))
          .containsExactly("repository:app:pull", "repository:base:pull");
      // the broader token now serves the narrower request too
      c.exists(ref("app:v1"));
      assertThat(tokens.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aScopeTheUserLacksIsATypedErrorNamingItAfterOneReExchangeNeverALoop() {
    fake.auth = FakeRegistry.Auth.BEARER;
    fake.extraScopes.put("app", List.of(Scope.pullPush("app")));
    tokens.policy = (user, scope) -> Set.of("pull"); // a pull-only user
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(InsufficientScopeException.class)
          .hasMessageContaining("repository:app:pull,push")
          .satisfies(
              e ->
                  assertThat(((InsufficientScopeException) e).missingScope())
                      .isEqualTo("repository:app:pull,push"));
    }
    assertThat(tokens.requests.get()).isEqualTo(2);
    assertThat(manifestRequests()).hasSize(2);
  }

  @Test
  void aRefusedTokenIsReplacedOnceThenTheFailureIsFinal() {
    fake.auth = FakeRegistry.Auth.BEARER;
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
      tokens.issued.clear(); // the registry forgets every token (restart, revocation)
      assertThat(c.exists(ref("app:v1"))).isTrue();
      assertThat(tokens.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void tokenServiceRefusingCredentialsIsAuthenticationErrorWithoutThePassword() {
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.username = "alice";
    tokens.password = "the-right-one";
    put("app", "v1");
    try (RegistryClient c = client(Credentials.basic("alice", PASSWORD))) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("token request")
          .hasMessageContaining("401")
          .hasMessageContaining("credentials from explicit credentials")
          .satisfies(
              e -> {
                assertThat(e.getMessage()).doesNotContain(PASSWORD);
                assertThat(e.toString()).doesNotContain(PASSWORD);
              });
    }
    assertThat(tokens.requests.get()).isEqualTo(1); // 401 is not retried
  }

  @Test
  void eachRegistryKeepsItsOwnCredentialInMessagesAndRequests() {
    // the same server under two names: credentials are configured for one name only
    basic();
    put("app", "v1");
    fake.auth = FakeRegistry.Auth.BEARER;
    tokens.policy = (user, scope) -> user == null ? Set.of() : scope.actions();
    String other = "localhost:" + registryServer.getPort();
    try (RegistryClient c = client(Credentials.basic(registry, "alice", PASSWORD))) {
      assertThat(c.exists(ref("app:v1"))).isTrue();
      assertThatThrownBy(() -> c.exists(ImageReference.parse(other + "/app:v1")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("no credentials")
          .hasMessageNotContaining("explicit credentials");
      // and the first name still uses its credential, for another repository too
      put("other", "v2");
      assertThat(c.exists(ref("other:v2"))).isTrue();
      assertThatThrownBy(() -> c.manifest(ref("other:missing")))
          .hasMessageContaining(registry + "/other:missing")
          .hasMessageContaining("with credentials from explicit credentials")
          .hasMessageNotContaining(PASSWORD);
    }
  }

  @Test
  void twoThousandHeadsOnOneRepositoryShareExactlyOneTokenRequest() {
    fake.auth = FakeRegistry.Auth.BEARER;
    List<ImageReference> refs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      refs.add(ref("app:t" + i));
      if (i % 2 == 0) {
        put("app", "t" + i);
      }
    }
    try (RegistryClient c =
        RegistryClient.builder().http(http.withMaxConcurrency(64)).credentials(basic()).build()) {
      Map<ImageReference, Optional<Descriptor>> result = c.existsAll(refs);
      assertThat(result.values().stream().filter(Optional::isPresent)).hasSize(1000);
    }
    assertThat(tokens.requests.get()).isEqualTo(1);
    assertThat(fake.unauthorized.get()).isEqualTo(1); // only the ping
  }

  @Test
  void concurrentHeadsFromManyThreadsShareOneExchange() throws Exception {
    fake.auth = FakeRegistry.Auth.BEARER;
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 32; i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    assertThat(c.exists(ref("app:v1"))).isTrue();
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
    }
    assertThat(tokens.requests.get()).isEqualTo(1);
    // one ping for the registry, shared by all threads
    assertThat(fake.recorded.stream().filter(r -> r.getUrl().encodedPath().equals("/v2/")))
        .hasSize(1);
  }

  @Test
  void aHundredRepositoriesNeedAtMostAHundredTokenRequests() {
    fake.auth = FakeRegistry.Auth.BEARER;
    List<ImageReference> refs = new ArrayList<>();
    for (int r = 0; r < 100; r++) {
      for (int t = 0; t < 5; t++) {
        refs.add(ref("repo" + r + ":t" + t));
        if (t < 3) {
          put("repo" + r, "t" + t);
        }
      }
    }
    try (RegistryClient c =
        RegistryClient.builder().http(http.withMaxConcurrency(32)).credentials(basic()).build()) {
      Map<ImageReference, Optional<Descriptor>> result = c.existsAll(refs);
      assertThat(result.values().stream().filter(Optional::isPresent)).hasSize(300);
    }
    assertThat(tokens.requests.get()).isBetween(1, 100);
  }

  // ---- hygiene

  @Test
  void crossHostRedirectArrivesWithoutAuthorization() throws Exception {
    fake.auth = FakeRegistry.Auth.BASIC;
    fake.username = "x";
    fake.password = PASSWORD;
    String json = FakeRegistry.ociManifest("redirected");
    try (MockWebServer other = new MockWebServer()) {
      other.enqueue(
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
              .body(json)
              .build());
      other.start(InetAddress.getByName("127.0.0.1"), 0);
      String target = "http://localhost:" + other.getPort() + "/elsewhere/manifest";
      FakeRegistry redirecting =
          new FakeRegistry() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              if (request.getUrl().encodedPath().contains("/manifests/")) {
                recorded.add(request);
                return new MockResponse.Builder().code(307).addHeader("Location", target).build();
              }
              return super.dispatch(request);
            }
          };
      redirecting.auth = FakeRegistry.Auth.BASIC;
      redirecting.username = "x";
      redirecting.password = PASSWORD;
      registryServer.setDispatcher(redirecting);
      try (RegistryClient c = client(Credentials.basic("x", PASSWORD))) {
        Manifest m = c.manifest(ref("app:v1"));
        assertThat(m.bytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
      }
      RecordedRequest atRegistry =
          redirecting.recorded.stream()
              .filter(r -> r.getUrl().encodedPath().contains("/manifests/"))
              .findFirst()
              .orElseThrow();
      assertThat(atRegistry.getHeaders().get("Authorization")).startsWith("Basic ");
      RecordedRequest atOther = other.takeRequest();
      assertThat(atOther.getUrl().encodedPath()).isEqualTo("/elsewhere/manifest");
      assertThat(atOther.getHeaders().get("Authorization")).isNull();
    }
  }

  /**
   * A token service answering 307 to another server: the refresh token (POST body) or Basic
   * credentials (GET) must not follow, and the failure says the token service redirected.
   */
  private static mockwebserver3.Dispatcher refuseEverything() {
    return new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        return new MockResponse.Builder().code(400).build();
      }
    };
  }

  private Throwable tokenServiceRedirectingTo(MockWebServer other, Credentials credentials) {
    fake.auth = FakeRegistry.Auth.BEARER;
    put("app", "v1");
    tokenServer.setDispatcher(
        new mockwebserver3.Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            return new MockResponse.Builder()
                .code(307)
                .addHeader("Location", "http://127.0.0.1:" + other.getPort() + "/steal?x=1")
                .build();
          }
        });
    try (RegistryClient c = client(credentials)) {
      return org.assertj.core.api.Assertions.catchThrowable(() -> c.exists(ref("app:v1")));
    }
  }

  @Test
  void aTokenServiceRedirectIsNotFollowedWithTheRefreshToken() throws Exception {
    try (MockWebServer other = new MockWebServer()) {
      other.setDispatcher(refuseEverything());
      other.start(InetAddress.getByName("127.0.0.1"), 0);
      Throwable t = tokenServiceRedirectingTo(other, identityToken());
      assertThat(other.getRequestCount()).isZero();
      assertThat(t)
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("token service")
          .hasMessageContaining("redirected (307)")
          .hasMessageContaining("127.0.0.1:" + other.getPort() + "/steal")
          .hasMessageNotContaining("refresh-secret");
      assertThat(((RegistryException) t).status()).isEqualTo(307);
    }
  }

  @Test
  void aTokenServiceRedirectIsNotFollowedWithBasicCredentials() throws Exception {
    try (MockWebServer other = new MockWebServer()) {
      other.setDispatcher(refuseEverything());
      other.start(InetAddress.getByName("127.0.0.1"), 0);
      Throwable t = tokenServiceRedirectingTo(other, basic());
      assertThat(other.getRequestCount()).isZero();
      assertThat(t)
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("redirected (307)")
          .hasMessageNotContaining(PASSWORD);
    }
  }

  @Test
  void realmOnAPrivateAddressOfAnotherHostIsRefused() {
    fake.auth = FakeRegistry.Auth.BEARER;
    put("app", "v1");
    for (String realm :
        List.of(
            "http://10.1.2.3/token",
            "http://169.254.169.254/latest/meta-data/",
            "https://192.168.1.1/t")) {
      fake.realm = realm;
      try (RegistryClient c = client(Credentials.anonymous())) {
        assertThatThrownBy(() -> c.exists(ref("app:v1")))
            .as(realm)
            .isInstanceOf(UnsafeRealmException.class)
            .hasMessageContaining("private address of another host")
            .hasMessageContaining(registry);
      }
    }
    assertThat(tokens.requests.get()).isZero();
  }

  @Test
  void realmOverPlainHttpToAPublicHostIsRefusedWithCredentials() {
    fake.auth = FakeRegistry.Auth.BEARER;
    fake.realm = "http://auth.example.com/token";
    put("app", "v1");
    try (RegistryClient c = client(basic())) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(UnsafeRealmException.class)
          .hasMessageContaining("plain HTTP");
    }
  }

  @Test
  void secretsNeverAppearInToStrings() {
    RegistryCredential cred = RegistryCredential.basic("x", PASSWORD, "explicit credentials");
    assertThat(cred.toString()).doesNotContain(PASSWORD);
    try (RegistryClient c = client(Credentials.basic("x", PASSWORD))) {
      assertThat(c.toString()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void forbiddenWithInsufficientScopeChallengeNamesTheScope() {
    Scripted s = new Scripted();
    registryServer.setDispatcher(s);
    s.then(
        new MockResponse.Builder()
            .code(403)
            .addHeader(
                "WWW-Authenticate",
                "Bearer realm=\""
                    + fake.realm
                    + "\",scope=\"repository:app:push\",error=\"insufficient_scope\"")
            .body("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"push denied\"}]}"));
    try (RegistryClient c = client(basic())) {
      assertThatThrownBy(() -> c.manifest(ref("app:v1")))
          .isInstanceOf(InsufficientScopeException.class)
          .hasMessageContaining("repository:app:push")
          .hasMessageContaining("DENIED");
    }
    assertThat(s.requests).hasSize(1);
  }

  @Test
  void tagPagesOnAnotherOriginGetNoAuthorization() throws Exception {
    fake.auth = FakeRegistry.Auth.BASIC;
    fake.username = "x";
    fake.password = PASSWORD;
    try (MockWebServer other = new MockWebServer()) {
      other.enqueue(
          new MockResponse.Builder().code(200).body("{\"name\":\"app\",\"tags\":[\"c\"]}").build());
      other.start(InetAddress.getByName("127.0.0.1"), 0);
      String next = "http://localhost:" + other.getPort() + "/v2/app/tags/list?last=b";
      FakeRegistry paging =
          new FakeRegistry() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              MockResponse r = super.dispatch(request);
              if (r.getCode() == 200 && request.getUrl().encodedPath().endsWith("/tags/list")) {
                return new MockResponse.Builder()
                    .code(200)
                    .addHeader("Link", "<" + next + ">; rel=\"next\"")
                    .body("{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}")
                    .build();
              }
              return r;
            }
          };
      paging.auth = FakeRegistry.Auth.BASIC;
      paging.username = "x";
      paging.password = PASSWORD;
      paging.tags.put("app", List.of("a", "b", "c"));
      registryServer.setDispatcher(paging);
      try (RegistryClient c = client(Credentials.basic("x", PASSWORD))) {
        assertThat(c.tags(registry, "app")).containsExactly("a", "b", "c");
      }
      assertThat(other.takeRequest().getHeaders().get("Authorization")).isNull();
    }
  }

  @Test
  void unreadableTokenResponsesAreTypedAndNeverQuoted() {
    fake.auth = FakeRegistry.Auth.BEARER;
    put("app", "v1");
    tokenServer.setDispatcher(
        new mockwebserver3.Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder()
                .code(200)
                .body("token=secret-token-value; not json")
                .build();
          }
        });
    try (RegistryClient c = client(basic())) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("not a JSON object")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-token-value"));
    }
    tokenServer.setDispatcher(
        new mockwebserver3.Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder().code(200).body("{\"expires_in\":60}").build();
          }
        });
    try (RegistryClient c = client(basic())) {
      assertThatThrownBy(() -> c.exists(ref("app:v1")))
          .isInstanceOf(RegistryAuthenticationException.class)
          .hasMessageContaining("neither \"token\" nor \"access_token\"");
    }
  }
}
