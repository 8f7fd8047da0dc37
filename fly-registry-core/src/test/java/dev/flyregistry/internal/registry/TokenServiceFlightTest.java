package dev.flyregistry.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.http.HttpClients;
import dev.flyregistry.internal.http.RetryExecutor;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared token exchanges ("flights") and forced refreshes: a caller whose token the registry just
 * refused must get a token issued after its request, never the refused one from a flight that
 * started before (or a cached copy of it).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TokenServiceFlightTest {
  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger issued = new AtomicInteger();
  private final CountDownLatch firstArrived = new CountDownLatch(1);
  private final CountDownLatch releaseFirst = new CountDownLatch(1);
  private volatile boolean holdFirst;
  private OkHttpClient http;
  private TokenService tokens;
  private TokenService.Key key;
  private final Failures.Context ctx = new Failures.Context("registry.test", "app", "test");

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            int n = issued.incrementAndGet();
            if (n == 1 && holdFirst) {
              firstArrived.countDown();
              releaseFirst.await(20, TimeUnit.SECONDS);
            }
            return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body("{\"token\":\"tok-" + n + "\",\"expires_in\":300}")
                .build();
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    HttpSettings settings = HttpSettings.defaults();
    http = HttpClients.create(settings);
    tokens = new TokenService(new RetryExecutor(http, settings), Clock.systemUTC(), "test");
    key = new TokenService.Key("registry.test", server.url("/token"), "registry.test");
  }

  @AfterEach
  void stop() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private BearerToken token(boolean force) {
    return tokens.token(key, Set.of(Scope.pull("app")), Optional.empty(), force, ctx);
  }

  @Test
  void concurrentCallersForTheSameScopesShareOneExchange() throws Exception {
    holdFirst = true;
    CompletableFuture<BearerToken> first = CompletableFuture.supplyAsync(() -> token(false));
    assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicReference<BearerToken> secondToken = new AtomicReference<>();
    Thread second = new Thread(() -> secondToken.set(token(false)), "second-caller");
    second.start();
    // the second caller either waits on the first one's exchange (parked) or, wrongly, makes an
    // exchange of its own, which the server answers at once (the thread ends)
    awaitParkedOrDone(second);
    releaseFirst.countDown();
    second.join(10_000);
    assertThat(first.get().token()).isEqualTo("tok-1");
    assertThat(secondToken.get().token()).isEqualTo("tok-1");
    assertThat(issued.get()).isEqualTo(1);
  }

  private static void awaitParkedOrDone(Thread t) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      Thread.State s = t.getState();
      if (s == Thread.State.WAITING
          || s == Thread.State.TIMED_WAITING
          || s == Thread.State.TERMINATED) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(t.getName() + " neither waited nor finished: " + t.getState());
  }

  @Test
  void aForcedCallerDoesNotJoinAnExchangeThatStartedBeforeIt() throws Exception {
    holdFirst = true;
    CompletableFuture<BearerToken> plain = CompletableFuture.supplyAsync(() -> token(false));
    assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
    // the first exchange is on its way; a caller whose token was just refused forces a new one
    BearerToken forced = CompletableFuture.supplyAsync(() -> token(true)).get(10, TimeUnit.SECONDS);
    assertThat(forced.token()).isEqualTo("tok-2");
    releaseFirst.countDown();
    assertThat(plain.get().token()).isEqualTo("tok-1");
    assertThat(issued.get()).isEqualTo(2);
  }

  @Test
  void aForcedCallerNeverGetsTheCachedToken() {
    BearerToken cached = token(false);
    assertThat(token(false)).isSameAs(cached);
    BearerToken fresh = token(true);
    assertThat(fresh.token()).isNotEqualTo(cached.token());
    assertThat(issued.get()).isEqualTo(2);
    // the fresh token replaced the refused one in the cache
    assertThat(token(false)).isSameAs(fresh);
    assertThat(tokens.cachedScopes(key)).isEqualTo(List.of(Set.of(Scope.pull("app"))));
  }
}
