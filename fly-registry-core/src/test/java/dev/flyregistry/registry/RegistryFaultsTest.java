package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.FlyException;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.testing.FaultsTestBase;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Network faults on the registry read path: every case ends in a success within the retry budget or
 * in a typed {@link RegistryException} whose message names the operation and the registry. The
 * {@code @Timeout} is a hang guard, not a speed assertion.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryFaultsTest extends FaultsTestBase {
  private String registry;
  private Scripted scripted;
  private RegistryClient client;

  private static final String MANIFEST = FakeRegistry.ociManifest("faults");
  private static final Digest DIGEST = Digest.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8));

  @BeforeEach
  void start() {
    registry = "127.0.0.1:" + server.getPort();
    scripted = new Scripted();
    server.setDispatcher(scripted);
    client = RegistryClient.builder().http(http).build();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  private ImageReference ref() {
    return ImageReference.parse(registry + "/app:v1");
  }

  private static MockResponse.Builder manifest() {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
        .addHeader("Docker-Content-Digest", DIGEST.toString())
        .body(MANIFEST);
  }

  private static MockResponse.Builder headOk() {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
        .addHeader("Docker-Content-Digest", DIGEST.toString())
        .addHeader("Content-Length", MANIFEST.length());
  }

  @Test
  void connectionRefusedIsARegistryIoExceptionNamingTheRegistry() throws Exception {
    String dead = "127.0.0.1:" + closedPort();
    Throwable t = catchThrowable(() -> client.head(ImageReference.parse(dead + "/app:v1")));

    assertThat(t).isInstanceOf(RegistryIoException.class);
    assertThat(t.getMessage()).contains(dead).contains("ConnectException");
    assertThat(((RegistryIoException) t).registry()).contains(dead);
    // retried within the budget: one pause per failed attempt but the last
    assertThat(sleeps).hasSize(RetrySettings.defaults().maxAttempts() - 1);
  }

  @Test
  void resetBeforeTheResponseIsRetriedThenSucceeds() {
    scripted
        .then(headOk().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE))
        .then(headOk());

    assertThat(client.head(ref())).map(Descriptor::digest).contains(DIGEST);
  }

  @Test
  void resetBeforeEveryResponseEndsInRegistryIoException() {
    for (int i = 0; i < 20; i++) {
      scripted.then(headOk().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE));
    }
    Throwable t = catchThrowable(() -> client.head(ref()));

    assertThat(t).isInstanceOf(RegistryIoException.class);
    assertThat(t.getMessage()).startsWith("HEAD manifest " + ref()).contains(registry + "/app");
  }

  @Test
  void resetInTheMiddleOfTheBodyIsRetriedThenSucceeds() {
    scripted
        .then(manifest().onResponseBody(SocketEffect.ShutdownConnection.INSTANCE))
        .then(manifest());

    Manifest m = client.manifest(ref());

    assertThat(m.descriptor().digest()).isEqualTo(DIGEST);
    assertThat(scripted.requests).hasSize(2);
  }

  @Test
  void resetInTheMiddleOfEveryBodyEndsInRegistryIoException() {
    for (int i = 0; i < 20; i++) {
      scripted.then(manifest().onResponseBody(SocketEffect.ShutdownConnection.INSTANCE));
    }
    assertThatThrownBy(() -> client.manifest(ref()))
        .isInstanceOf(RegistryIoException.class)
        .hasMessageStartingWith("GET manifest " + ref());
  }

  private static MockResponse.Builder truncated() {
    // declares more bytes than it sends, then closes the connection
    return manifest()
        .setHeader("Content-Length", MANIFEST.length() + 100)
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE);
  }

  @Test
  void aTruncatedBodyIsRetriedThenSucceeds() {
    scripted.then(truncated()).then(manifest());

    assertThat(client.manifest(ref()).descriptor().digest()).isEqualTo(DIGEST);
  }

  @Test
  void aBodyAlwaysShorterThanContentLengthEndsInRegistryIoException() {
    for (int i = 0; i < 20; i++) {
      scripted.then(truncated());
    }
    Throwable t = catchThrowable(() -> client.manifest(ref()));

    assertThat(t).isInstanceOf(RegistryIoException.class);
    assertThat(t.getMessage()).contains("GET manifest").contains(registry);
    assertThat(scripted.requests).hasSize(RetrySettings.defaults().maxAttempts());
  }

  @Test
  void aReadTimeoutIsRetriedThenTyped() {
    for (int i = 0; i < 20; i++) {
      scripted.then(headOk().headersDelay(2, TimeUnit.SECONDS));
    }
    RegistryClient c =
        RegistryClient.builder()
            .http(http.withRetry(RetrySettings.defaults().withMaxAttempts(2)))
            .build();
    try (c) {
      Throwable t = catchThrowable(() -> c.head(ref()));
      assertThat(t).isInstanceOf(RegistryIoException.class);
      assertThat(t).hasCauseInstanceOf(SocketTimeoutException.class);
      assertThat(t.getMessage()).contains(": timeout").contains(registry);
    }
  }

  @Test
  void aSlowTrickleIsCutByTheCallDeadlineNotByTheReadTimeout() {
    // 4 KiB at 16 bytes every 50 ms: each read succeeds well within the read timeout (400 ms), the
    // whole body would take ~13 s; the 2 s call deadline ends each attempt.
    String big = MANIFEST + " ".repeat(4096);
    for (int i = 0; i < 5; i++) {
      scripted.then(
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
              .body(big)
              .throttleBody(16, 50, TimeUnit.MILLISECONDS));
    }
    RegistryClient c =
        RegistryClient.builder()
            .http(http.withRetry(RetrySettings.defaults().withMaxAttempts(2)))
            .build();
    try (c) {
      Throwable t = catchThrowable(() -> c.manifest(ref()));
      assertThat(t).isInstanceOf(RegistryIoException.class);
      assertThat(t.getCause()).isInstanceOf(InterruptedIOException.class);
      assertThat(t.getMessage()).contains(": timeout");
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      assertThat(scripted.requests).hasSize(2);
    }
  }

  @Test
  void theDefaultsGiveEveryNonBlobCallADeadline() {
    assertThat(HttpSettings.defaults().callTimeout()).isPositive();
    assertThat(HttpSettings.defaults().callTimeout()).isEqualTo(HttpSettings.DEFAULT_CALL_TIMEOUT);
    assertThat(HttpSettings.defaults().readTimeout()).isPositive();
    assertThat(HttpSettings.defaults().connectTimeout()).isPositive();
  }

  @Test
  void a429StormHonoursRetryAfterThenEndsInRateLimitedException() {
    for (int i = 0; i < 20; i++) {
      scripted.then(
          new MockResponse.Builder()
              .code(429)
              .addHeader("Retry-After", "7")
              .addHeader("Content-Type", "application/json")
              .body("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}"));
    }
    Throwable t = catchThrowable(() -> client.manifest(ref()));

    assertThat(t).isInstanceOf(RateLimitedException.class);
    RateLimitedException e = (RateLimitedException) t;
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(e.getMessage())
        .contains("429")
        .contains(registry)
        .contains("wait 7 s")
        .contains("attempt " + RetrySettings.defaults().maxAttempts() + " of ");
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7), Duration.ofSeconds(7));
    assertThat(scripted.requests).hasSize(RetrySettings.defaults().maxAttempts());
  }

  @Test
  void aHugeRetryAfterIsCapped() {
    scripted
        .then(new MockResponse.Builder().code(429).addHeader("Retry-After", "86400"))
        .then(headOk());

    assertThat(client.head(ref())).isPresent();
    assertThat(sleeps).containsExactly(RetrySettings.defaults().maxRetryAfter());
  }

  @Test
  void a429BurstShorterThanTheBudgetSucceeds() {
    scripted
        .then(new MockResponse.Builder().code(429).addHeader("Retry-After", "1"))
        .then(new MockResponse.Builder().code(429).addHeader("Retry-After", "2"))
        .then(new MockResponse.Builder().code(429).addHeader("Retry-After", "3"))
        .then(headOk());

    assertThat(client.head(ref())).isPresent();
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
  }

  @Test
  void a5xxBurstShorterThanTheBudgetSucceeds() {
    scripted
        .then(new MockResponse.Builder().code(503))
        .then(new MockResponse.Builder().code(502).body("<html>bad gateway</html>"))
        .then(new MockResponse.Builder().code(500))
        .then(manifest());

    assertThat(client.manifest(ref()).descriptor().digest()).isEqualTo(DIGEST);
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void endless5xxEndsInATypedExceptionWithABoundedMessage() {
    String html = "<html>" + "x".repeat(1024 * 1024) + "</html>";
    for (int i = 0; i < 20; i++) {
      scripted.then(new MockResponse.Builder().code(503).body(html));
    }
    Throwable t = catchThrowable(() -> client.manifest(ref()));

    assertThat(t).isExactlyInstanceOf(RegistryException.class);
    assertThat(((RegistryException) t).status()).isEqualTo(503);
    assertThat(t.getMessage()).contains("503").contains(registry).hasSizeLessThan(2000);
    assertThat(scripted.requests).hasSize(RetrySettings.defaults().maxAttempts());
  }

  @Test
  void a4xxIsNeverRetried() {
    scripted.then(new MockResponse.Builder().code(400).body("bad"));

    assertThatThrownBy(() -> client.head(ref())).isInstanceOf(RegistryException.class);
    assertThat(scripted.requests).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aHostileManifestBodyIsRefusedAsTyped() {
    scripted
        .then(
            new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                .body(new Buffer().write(new byte[] {(byte) 0xff, 0, '{', '"'})))
        .then(
            new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                .body("[".repeat(100_000)));

    assertThatThrownBy(() -> client.manifest(ref())).isInstanceOf(ManifestFormatException.class);
    assertThatThrownBy(() -> client.manifest(ref())).isInstanceOf(ManifestFormatException.class);
  }

  @Test
  void everyFailureOfTheReadPathIsAFlyException() {
    // a mixed script of faults, none of which may escape as anything but an SDK exception
    scripted
        .then(headOk().setHeader("Docker-Content-Digest", "sha256:nothex"))
        .then(new MockResponse.Builder().code(401))
        .then(new MockResponse.Builder().code(200).body("{\"tags\": 5}"))
        .then(new MockResponse.Builder().code(200).body("not json"));
    for (Runnable r :
        List.<Runnable>of(
            () -> client.head(ref()),
            () -> client.head(ref()),
            () -> client.tags(ref()),
            () -> client.tags(ref()))) {
      assertThat(catchThrowable(r::run)).isInstanceOf(FlyException.class);
    }
  }

  @Test
  void registryIoExceptionsOfBulkChecksAreTyped() throws Exception {
    String dead = "127.0.0.1:" + closedPort();
    List<ImageReference> refs =
        List.of(
            ImageReference.parse(dead + "/a:1"),
            ImageReference.parse(dead + "/b:1"),
            ImageReference.parse(dead + "/c:1"));

    assertThatThrownBy(() -> client.existsAll(refs)).isInstanceOf(RegistryIoException.class);
  }

  @Test
  void a429WithRetriesOffSaysItWasNotRetried() {
    scripted.then(new MockResponse.Builder().code(429));
    try (RegistryClient c =
        RegistryClient.builder()
            .http(http.withRetry(RetrySettings.defaults().withMaxAttempts(1)))
            .build()) {
      Throwable t = catchThrowable(() -> c.manifest(ref()));

      assertThat(t).isInstanceOf(RateLimitedException.class);
      assertThat(t.getMessage())
          .contains("429")
          .contains("retries are off")
          .doesNotContain("after retrying");
      assertThat(scripted.requests).hasSize(1);
    }
  }
}
