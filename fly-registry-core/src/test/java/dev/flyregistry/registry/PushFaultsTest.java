package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.internal.registry.source.TestLayouts;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults during a push (upload sessions, blob PUTs, the manifest PUT): a push ends with
 * every blob and the manifest in place within the retry budget, or in a typed {@link
 * RegistryException}; nothing hangs. Complements {@link RegistryClientPushTest}, which covers
 * status-level failures (5xx, 416) of the upload protocol.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushFaultsTest {
  @TempDir Path tmp;

  private final MockWebServer server = new MockWebServer();
  private final UploadRegistry fake = new UploadRegistry();
  private final HttpSettings http =
      HttpSettings.defaults().withSleeper(d -> {}).withReadTimeout(Duration.ofMillis(500));
  private String registry;
  private RegistryClient client;
  private TestLayouts.Blob manifest;
  private Path dir;
  private byte[] layer;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(fake);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    registry = "127.0.0.1:" + server.getPort();
    fake.origin = "http://" + registry;
    client = RegistryClient.builder().http(http).build();
    layer = TestLayouts.random(4000, 41);
    TestLayouts l = new TestLayouts();
    manifest = l.image("linux", "amd64", layer);
    dir = l.tag(manifest, "v1").writeTo(tmp.resolve("layout"));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private ImageReference ref() {
    return ImageReference.parse(registry + "/app:v1");
  }

  private static boolean blobPut(RecordedRequest r) {
    return r.getMethod().equals("PUT") && r.getUrl().encodedPath().startsWith("/upload/");
  }

  private void assertPushed() {
    assertThat(fake.blobs.get("app@" + Digest.sha256(layer))).isEqualTo(layer);
    assertThat(fake.manifests.get("app@v1")).isNotNull();
  }

  @Test
  void aResetAfterTheBlobPutWasSentIsRecoveredByANewSession() {
    AtomicInteger puts = new AtomicInteger();
    fake.fault =
        r ->
            blobPut(r) && puts.incrementAndGet() == 1
                ? new MockResponse.Builder()
                    .code(201)
                    .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                    .build()
                : null;

    PushResult result = client.push(ImageSource.ociLayout(dir), ref());

    assertThat(result.digest()).isEqualTo(manifest.digest());
    assertPushed();
  }

  @Test
  void blobPutsThatAlwaysResetEndInATypedException() {
    fake.fault =
        r ->
            blobPut(r)
                ? new MockResponse.Builder()
                    .code(201)
                    .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                    .build()
                : null;

    Throwable t = catchThrowable(() -> client.push(ImageSource.ociLayout(dir), ref()));

    assertThat(t).isInstanceOf(RegistryException.class);
    assertThat(t.getMessage()).contains(registry);
    assertThat(fake.manifests).doesNotContainKey("app@v1");
  }

  @Test
  void aStalledManifestPutHitsTheReadTimeoutAndIsTyped() {
    fake.fault =
        r ->
            r.getMethod().equals("PUT") && r.getUrl().encodedPath().contains("/manifests/")
                ? new MockResponse.Builder().code(201).headersDelay(3, TimeUnit.SECONDS).build()
                : null;
    try (RegistryClient c =
        RegistryClient.builder()
            .http(http.withRetry(RetrySettings.defaults().withMaxAttempts(2)))
            .build()) {
      Throwable t = catchThrowable(() -> c.push(ImageSource.ociLayout(dir), ref()));
      assertThat(t).isInstanceOf(RegistryIoException.class);
      assertThat(t.getMessage()).contains("manifest");
    }
  }

  @Test
  void a429OnTheManifestPutIsARateLimitNotASilentFailure() {
    fake.fault =
        r ->
            r.getMethod().equals("PUT") && r.getUrl().encodedPath().contains("/manifests/")
                ? new MockResponse.Builder().code(429).addHeader("Retry-After", "3").build()
                : null;

    Throwable t = catchThrowable(() -> client.push(ImageSource.ociLayout(dir), ref()));

    assertThat(t).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) t).retryAfter()).contains(Duration.ofSeconds(3));
  }

  @Test
  void a429OnABlobPutSaysTheChangeWasNotRepeatedRatherThanRetriedInVain() {
    fake.fault = r -> blobPut(r) ? new MockResponse.Builder().code(429).build() : null;
    try (RegistryClient c =
        RegistryClient.builder()
            .http(http.withRetry(RetrySettings.defaults().withMaxAttempts(1)))
            .build()) {
      Throwable t = catchThrowable(() -> c.push(ImageSource.ociLayout(dir), ref()));

      assertThat(t).isInstanceOf(RateLimitedException.class);
      assertThat(t.getMessage())
          .contains("429")
          .contains("not repeated")
          .doesNotContain("after retrying")
          .doesNotContain("attempts");
      assertThat(server.getRequestCount()).isPositive();
    }
  }

  @Test
  void a429OnEveryBlobPutSaysHowManySessionsWereTried() {
    Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
    fake.fault =
        r -> {
          if (!blobPut(r)) {
            return null;
          }
          puts.computeIfAbsent(r.getUrl().queryParameter("digest"), d -> new AtomicInteger())
              .incrementAndGet();
          return new MockResponse.Builder().code(429).build();
        };

    Throwable t = catchThrowable(() -> client.push(ImageSource.ociLayout(dir), ref()));

    int sessions = RetrySettings.defaults().maxAttempts();
    assertThat(t).isInstanceOf(RateLimitedException.class);
    String failed = t.getMessage().replaceAll("(?s)^upload of blob (\\S+) .*$", "$1");
    assertThat(puts).containsKey(failed);
    assertThat(puts.get(failed).get()).isEqualTo(sessions);
    assertThat(t.getMessage())
        .contains("after " + sessions + " session(s)")
        .contains("not repeated")
        .doesNotContain("after retrying");
    assertThat(((RateLimitedException) t).status()).isEqualTo(429);
  }
}
