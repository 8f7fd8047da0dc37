package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.testing.InterruptedRun;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults of the Bearer token service: down, slow, answering garbage or 5xx, and tokens that expire
 * while a run goes on (a fake clock drives time; the registry refuses expired tokens). Each case
 * ends in success within the retry budget or a typed {@link RegistryException}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenServiceFaultsTest {
  private final MockWebServer registryServer = new MockWebServer();
  private final MockWebServer tokenServer = new MockWebServer();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final FakeClock clock = new FakeClock(Instant.parse("2026-11-27T12:00:00Z"));
  private final HttpSettings http =
      HttpSettings.defaults()
          .withSleeper(sleeps::add)
          .withClock(clock)
          .withReadTimeout(Duration.ofMillis(400))
          .withCallTimeout(Duration.ofSeconds(2));
  private ExpiringRegistry registry;
  private String host;
  private RegistryClient client;

  private static final String MANIFEST = FakeRegistry.ociManifest("tokens");
  private static final Digest DIGEST = Digest.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8));

  /** A settable clock. */
  static final class FakeClock extends Clock {
    private volatile Instant now;

    FakeClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /**
   * A registry that asks for Bearer tokens and accepts a token only until the expiry its token
   * service recorded (measured on the fake clock), and a token service issuing {@code tok-N}.
   */
  final class ExpiringRegistry extends Dispatcher {
    final Map<String, Instant> expiry = new ConcurrentHashMap<>();
    final AtomicInteger tokenRequests = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final AtomicInteger manifestRequests = new AtomicInteger();

    /** What the token service advertises in expires_in. */
    volatile long advertisedSeconds = 60;

    /** How long the registry actually honours a token. */
    volatile long honouredSeconds = 60;

    /** When set, the token service answers this instead of a token. */
    volatile Supplier<MockResponse> tokenFault;

    final Dispatcher tokens =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            int n = tokenRequests.incrementAndGet();
            Supplier<MockResponse> fault = tokenFault;
            if (fault != null) {
              return fault.get();
            }
            String token = "tok-" + n;
            expiry.put(token, clock.instant().plusSeconds(honouredSeconds));
            return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body("{\"token\":\"" + token + "\",\"expires_in\":" + advertisedSeconds + "}")
                .build();
          }
        };

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getUrl().encodedPath();
      String auth = request.getHeaders().get("Authorization");
      boolean valid = false;
      if (auth != null && auth.startsWith("Bearer ")) {
        Instant until = expiry.get(auth.substring(7));
        valid = until != null && clock.instant().isBefore(until);
      }
      if (!valid) {
        if (auth != null) {
          rejected.incrementAndGet();
        }
        MockResponse.Builder b =
            new MockResponse.Builder()
                .code(401)
                .addHeader(
                    "WWW-Authenticate",
                    "Bearer realm=\"http://127.0.0.1:"
                        + tokenServer.getPort()
                        + "/token\",service=\"reg\",scope=\"repository:app:pull\"");
        if (!request.getMethod().equals("HEAD")) { // a HEAD answer has no body
          b.body("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}");
        }
        return b.build();
      }
      if (path.equals("/v2/")) {
        return new MockResponse.Builder().code(200).body("{}").build();
      }
      manifestRequests.incrementAndGet();
      return new MockResponse.Builder()
          .code(200)
          .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
          .addHeader("Docker-Content-Digest", DIGEST.toString())
          .addHeader("Content-Length", MANIFEST.length())
          .build();
    }
  }

  @BeforeEach
  void start() throws Exception {
    registryServer.start(InetAddress.getByName("127.0.0.1"), 0);
    tokenServer.start(InetAddress.getByName("127.0.0.1"), 0);
    registry = new ExpiringRegistry();
    registryServer.setDispatcher(registry);
    tokenServer.setDispatcher(registry.tokens);
    host = "127.0.0.1:" + registryServer.getPort();
    client =
        RegistryClient.builder().http(http).credentials(Credentials.basic(host, "x", "pw")).build();
  }

  @AfterEach
  void stop() {
    client.close();
    registryServer.close();
    tokenServer.close();
  }

  private ImageReference ref() {
    return ImageReference.parse(host + "/app:v1");
  }

  @Test
  void tokensShorterThanTheRunAreRefreshedBeforeTheyExpire() {
    // 60 s tokens, a call every 25 s for 10 minutes of fake time
    for (int i = 0; i < 24; i++) {
      assertThat(client.head(ref())).map(Descriptor::digest).contains(DIGEST);
      clock.advance(Duration.ofSeconds(25));
    }
    assertThat(registry.manifestRequests.get()).isEqualTo(24);
    // refreshed proactively: the registry never had to refuse a token it had issued
    assertThat(registry.rejected.get()).isZero();
    // a token serves at most 60 s of calls 25 s apart: between 24/3 and 24 exchanges
    assertThat(registry.tokenRequests.get()).isBetween(8, 24);
  }

  @Test
  void aTokenThatDiesEarlierThanAdvertisedIsReplacedOnce() {
    registry.advertisedSeconds = 3600;
    registry.honouredSeconds = 30;
    for (int i = 0; i < 10; i++) {
      assertThat(client.head(ref())).isPresent();
      clock.advance(Duration.ofSeconds(20));
    }
    // each refusal costs exactly one re-exchange, never a loop
    assertThat(registry.manifestRequests.get()).isEqualTo(10);
    assertThat(registry.rejected.get()).isLessThanOrEqualTo(registry.tokenRequests.get());
    assertThat(registry.tokenRequests.get()).isBetween(5, 11);
  }

  @Test
  void aTokenServiceThatIsDownIsARegistryIoExceptionNamingTheTokenRequest() throws Exception {
    tokenServer.close();
    Throwable t = catchThrowable(() -> client.head(ref()));

    assertThat(t).isInstanceOf(RegistryIoException.class);
    assertThat(t.getMessage()).contains("token request").contains("/token");
    assertThat(sleeps).hasSize(RetrySettings.defaults().maxAttempts() - 1);
  }

  @Test
  void aTokenServiceThatGoesDownMidRunFailsTypedAfterTheTokenExpires() throws Exception {
    assertThat(client.head(ref())).isPresent();
    registry.tokenFault =
        () ->
            new MockResponse.Builder()
                .code(200)
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build();
    assertThat(client.head(ref())).isPresent(); // still within the first token's life
    clock.advance(Duration.ofMinutes(5));

    assertThat(catchThrowable(() -> client.head(ref()))).isInstanceOf(RegistryIoException.class);
    registry.tokenFault = null; // back up: the client recovers without being rebuilt
    assertThat(client.head(ref())).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "<html><body>login</body></html>",
        "",
        "[]",
        "null",
        "{\"token\":\"",
        "{\"token\":null}",
        "{\"token\":\"\"}",
        "{\"token\":{\"a\":1}}",
        "{\"token\":\"has space\"}",
        "{\"token\":\"line\\nbreak\"}",
        "{\"access_token\":[1,2]}",
        "{\"token\":\"\\u00e9t\\u00e9\"}"
      })
  void garbageFromTheTokenServiceIsAnAuthenticationError(String body) {
    registry.tokenFault =
        () ->
            new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
    Throwable t = catchThrowable(() -> client.head(ref()));

    assertThat(t).isInstanceOf(RegistryAuthenticationException.class);
    assertThat(t.getMessage()).contains("token service").contains("unusable answer");
  }

  @Test
  void oddButUsableTokenResponsesWork() {
    registry.tokenFault =
        () ->
            new MockResponse.Builder()
                .code(200)
                .body(
                    "{\"token\":\"tok-odd\",\"expires_in\":\"soon\",\"issued_at\":\"yesterday\","
                        + "\"extra\":[1,{\"x\":null}]}")
                .build();
    registry.expiry.put("tok-odd", clock.instant().plusSeconds(60));

    assertThat(client.head(ref())).isPresent();
  }

  @Test
  void aTokenServiceAnswering5xxInABurstIsRetried() {
    AtomicInteger n = new AtomicInteger();
    registry.tokenFault =
        () -> {
          if (n.incrementAndGet() <= 2) {
            return new MockResponse.Builder().code(503).body("busy").build();
          }
          registry.tokenFault = null;
          String token = "tok-after-burst";
          registry.expiry.put(token, clock.instant().plusSeconds(60));
          return new MockResponse.Builder().code(200).body("{\"token\":\"" + token + "\"}").build();
        };
    assertThat(client.head(ref())).isPresent();
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void aTokenServiceAlways503IsATypedErrorNotAnAuthenticationLoop() {
    registry.tokenFault = () -> new MockResponse.Builder().code(503).body("busy").build();
    Throwable t = catchThrowable(() -> client.head(ref()));

    assertThat(t).isInstanceOf(RegistryException.class);
    assertThat(((RegistryException) t).status()).isEqualTo(503);
    assertThat(t.getMessage()).contains("token request").contains("503");
    assertThat(registry.tokenRequests.get()).isEqualTo(RetrySettings.defaults().maxAttempts());
  }

  @Test
  void aTokenServiceThatRateLimitsIsATypedRateLimit() {
    registry.tokenFault =
        () -> new MockResponse.Builder().code(429).addHeader("Retry-After", "2").build();
    Throwable t = catchThrowable(() -> client.head(ref()));

    assertThat(t).isInstanceOf(RateLimitedException.class);
    assertThat(sleeps).containsOnly(Duration.ofSeconds(2));
  }

  @Test
  void aTokenServiceThatTricklesIsCutByTheDeadline() {
    registry.tokenFault =
        () ->
            new MockResponse.Builder()
                .code(200)
                .body("{\"token\":\"tok-slow\"," + " ".repeat(4096) + "\"expires_in\":60}")
                .throttleBody(16, 50, TimeUnit.MILLISECONDS)
                .build();
    RegistryClient c =
        RegistryClient.builder()
            .http(http.withRetry(RetrySettings.defaults().withMaxAttempts(2)))
            .credentials(Credentials.basic(host, "x", "pw"))
            .build();
    try (c) {
      Throwable t = catchThrowable(() -> c.head(ref()));
      assertThat(t).isInstanceOf(RegistryIoException.class);
      assertThat(t.getMessage()).contains("token request").contains(": timeout");
    }
  }

  @Test
  void aTokenServiceThatHangsBeforeAnsweringHitsTheReadTimeout() {
    registry.tokenFault =
        () ->
            new MockResponse.Builder()
                .code(200)
                .body("{\"token\":\"x\"}")
                .headersDelay(3, TimeUnit.SECONDS)
                .build();
    Throwable t = catchThrowable(() -> client.head(ref()));

    assertThat(t).isInstanceOf(RegistryIoException.class);
    assertThat(t.getMessage()).contains("token request");
  }

  @Test
  void aCallerWaitingOnAnotherCallersTokenExchangeIsNotFailedByThatCallersInterrupt()
      throws Exception {
    // the first exchange answers only after a minute; later ones at once
    AtomicInteger exchanges = new AtomicInteger();
    tokenServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            if (exchanges.getAndIncrement() == 0) {
              return new MockResponse.Builder()
                  .code(500)
                  .headersDelay(60, TimeUnit.SECONDS)
                  .build();
            }
            return registry.tokens.dispatch(request);
          }
        });
    InterruptedRun leader = InterruptedRun.start(() -> client.head(ref()));
    InterruptedRun.await(() -> exchanges.get() > 0, "the leader asked for a token");
    InterruptedRun joiner =
        InterruptedRun.start(() -> client.head(ref()))
            .awaitParked("the joiner waits on the leader's exchange");

    InterruptedRun.Outcome led = leader.interruptAndJoin();
    InterruptedRun.Outcome joined = joiner.join();

    assertThat(led.failure())
        .isInstanceOf(RegistryIoException.class)
        .hasMessageContaining("interrupted");
    assertThat(joined.failure()).isNull();
    assertThat(joined.result())
        .as("the joiner exchanged again itself instead of failing with the leader's interrupt")
        .isInstanceOfSatisfying(
            Optional.class,
            d -> assertThat(d).map(x -> ((Descriptor) x).digest()).contains(DIGEST));
    assertThat(exchanges.get()).isEqualTo(2);
  }

  @Test
  void aCallerWaitingOnAnotherCallersTokenExchangeEndsAtOnceWhenItIsInterruptedItself()
      throws Exception {
    AtomicInteger exchanges = new AtomicInteger();
    tokenServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            exchanges.incrementAndGet();
            return new MockResponse.Builder().code(500).headersDelay(60, TimeUnit.SECONDS).build();
          }
        });
    // timeouts far beyond the test: only the interrupt can end the joiner's wait
    HttpSettings patient =
        http.withReadTimeout(Duration.ofMinutes(2)).withCallTimeout(Duration.ofMinutes(3));
    try (RegistryClient slow =
        RegistryClient.builder()
            .http(patient)
            .credentials(Credentials.basic(host, "x", "pw"))
            .build()) {
      InterruptedRun leader = InterruptedRun.start(() -> slow.head(ref()));
      try {
        InterruptedRun.await(() -> exchanges.get() > 0, "the leader asked for a token");
        InterruptedRun joiner =
            InterruptedRun.start(() -> slow.head(ref()))
                .awaitParked("the joiner waits on the leader's exchange");

        InterruptedRun.Outcome joined = joiner.interruptAndJoin();

        assertThat(joined.failure())
            .isInstanceOf(RegistryIoException.class)
            .hasMessageContaining("interrupted");
        assertThat(joined.stillInterrupted()).as("the joiner's interrupt flag is kept").isTrue();
        assertThat(exchanges.get()).as("the joiner asked for no token itself").isEqualTo(1);
      } finally {
        leader.interruptAndJoin();
      }
    }
  }
}
