package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog sentinel: armed by calls with a period shorter than their timeouts, lapses when
 * calls stop, and leaves every timeout firing when it should.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchdogSentinelTest {
  private final MockWebServer server = new MockWebServer();
  private final WatchdogSentinel sentinel = WatchdogSentinel.INSTANCE;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    sentinel.reset(); // whatever earlier tests left armed
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static HttpSettings settings(Duration read, Duration call) {
    return HttpSettings.defaults()
        .withSleeper(d -> {})
        .withRetry(RetrySettings.defaults().withMaxAttempts(1))
        .withConnectTimeout(Duration.ofSeconds(5))
        .withReadTimeout(read)
        .withWriteTimeout(Duration.ofSeconds(30))
        .withCallTimeout(call);
  }

  private String get(OkHttpClient client, HttpSettings settings) throws IOException {
    return new RetryExecutor(client, settings)
        .execute(
            () -> new Request.Builder().url(server.url("/x")).build(),
            RetryExecutor.Mode.IDEMPOTENT,
            r -> r.body().string());
  }

  private void awaitLapse() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sentinel.armed() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(sentinel.armed()).as("the sentinel lapses once calls stop").isFalse();
  }

  @Test
  void thePeriodIsHalfTheShortestTimeoutWithinBounds() {
    assertThat(WatchdogSentinel.periodFor(Duration.ofSeconds(30), Duration.ofSeconds(2)))
        .isEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(WatchdogSentinel.periodFor(Duration.ZERO, Duration.ofMillis(400)))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    // defaults (read and write 30 s, call 2 min): capped at 10 s
    assertThat(WatchdogSentinel.periodFor(Duration.ofSeconds(30), Duration.ofMinutes(2)))
        .isEqualTo(TimeUnit.SECONDS.toNanos(10));
    // no timeout at all, or absurdly long ones: the cap
    assertThat(WatchdogSentinel.periodFor(Duration.ZERO, Duration.ZERO))
        .isEqualTo(TimeUnit.SECONDS.toNanos(10));
    assertThat(WatchdogSentinel.periodFor(Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(TimeUnit.SECONDS.toNanos(10));
    // very short timeouts: the floor
    assertThat(WatchdogSentinel.periodFor(Duration.ofMillis(50)))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void aCallArmsItWithThePeriodOfItsClientAndItLapsesWhenCallsStop() throws Exception {
    HttpSettings s = settings(Duration.ofMillis(600), Duration.ofSeconds(5));
    OkHttpClient client = HttpClients.create(s);
    try {
      server.enqueue(new MockResponse.Builder().body("ok").build());
      assertThat(get(client, s)).isEqualTo("ok");
      assertThat(sentinel.armed()).isTrue();
      assertThat(sentinel.armedPeriodNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));

      // a client with longer timeouts does not lengthen the period of an armed sentinel
      HttpSettings longer = settings(Duration.ofSeconds(30), Duration.ofMinutes(2));
      OkHttpClient other = HttpClients.create(longer);
      try {
        server.enqueue(new MockResponse.Builder().body("ok").build());
        assertThat(get(other, longer)).isEqualTo("ok");
        assertThat(sentinel.armedPeriodNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
      } finally {
        HttpClients.shutdown(other, longer);
      }
      awaitLapse();
    } finally {
      HttpClients.shutdown(client, s);
    }
  }

  @Test
  void aShorterTimeoutShortensThePeriodOfAnArmedSentinel() throws Exception {
    HttpSettings longer = settings(Duration.ofSeconds(30), Duration.ofMinutes(2));
    HttpSettings shorter = settings(Duration.ofMillis(400), Duration.ofSeconds(5));
    OkHttpClient a = HttpClients.create(longer);
    OkHttpClient b = HttpClients.create(shorter);
    try {
      server.enqueue(new MockResponse.Builder().body("ok").build());
      get(a, longer);
      assertThat(sentinel.armedPeriodNanos()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200));
      server.enqueue(new MockResponse.Builder().body("ok").build());
      get(b, shorter);
      assertThat(sentinel.armedPeriodNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    } finally {
      HttpClients.shutdown(a, longer);
      HttpClients.shutdown(b, shorter);
    }
  }

  @Test
  void aReadTimeoutQueuedBehindTheSentinelStillFiresOnTime() throws Exception {
    // armed by a client with long timeouts (period 10 s), then re-armed by this client's call with
    // half its read timeout: the read's deadline (1.5 s) lies behind the sentinel's
    HttpSettings longer = settings(Duration.ofSeconds(30), Duration.ofMinutes(2));
    OkHttpClient a = HttpClients.create(longer);
    HttpSettings s = settings(Duration.ofMillis(1500), Duration.ofSeconds(20));
    OkHttpClient client = HttpClients.create(s);
    try {
      server.enqueue(new MockResponse.Builder().body("ok").build());
      get(a, longer);
      server.enqueue(
          new MockResponse.Builder().body("late").headersDelay(8, TimeUnit.SECONDS).build());
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> get(client, s)).isInstanceOf(SocketTimeoutException.class);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // fires after its 1.5 s, not at the call deadline (20 s) nor the headers (8 s)
      assertThat(ms).isBetween(1400L, 4000L);
    } finally {
      HttpClients.shutdown(a, longer);
      HttpClients.shutdown(client, s);
    }
  }

  @Test
  void aCallDeadlineStillFiresOnTime() throws Exception {
    HttpSettings s = settings(Duration.ofSeconds(30), Duration.ofMillis(1200));
    OkHttpClient client = HttpClients.create(s);
    try {
      server.enqueue(
          new MockResponse.Builder().body("late").headersDelay(8, TimeUnit.SECONDS).build());
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> get(client, s))
          .isInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("timeout");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(ms).isBetween(1100L, 4000L);
    } finally {
      HttpClients.shutdown(client, s);
    }
  }

  @Test
  void callersArmingWhileItFiresNeverBreakTheWatchdog() throws Exception {
    // many threads arm it with the shortest period (100 ms) and with longer ones, so that callers
    // re-arm it while the watchdog re-arms it; afterwards Okio's timeouts must still fire
    long[] periods = {
      TimeUnit.MILLISECONDS.toNanos(100),
      TimeUnit.MILLISECONDS.toNanos(150),
      TimeUnit.MILLISECONDS.toNanos(120)
    };
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int id = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  int n = 0;
                  while (System.nanoTime() < end) {
                    sentinel.touch(periods[(id + n++) % periods.length]);
                    if (n % 50 == 0) {
                      sentinel.reset(); // forces the next caller to arm it again
                    }
                    Thread.sleep(1);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failure.get()).isNull();
    aReadTimeoutQueuedBehindTheSentinelStillFiresOnTime();
  }
}
