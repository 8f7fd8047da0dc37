package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InterruptWatchTest {
  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient client =
      new OkHttpClient.Builder().readTimeout(Duration.ofMinutes(2)).build();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private MockResponse answerAfterAMinute() {
    return new MockResponse.Builder().body("late").headersDelay(60, TimeUnit.SECONDS).build();
  }

  /** Runs {@code call} on a new thread under {@code watch}, interrupts it once it is sent. */
  private Thread interruptedWhileBlocked(
      InterruptWatch watch, Call call, AtomicReference<Throwable> failure, AtomicBoolean flagAfter)
      throws InterruptedException {
    Thread t =
        new Thread(
            () -> {
              try (InterruptWatch.Watched w = watch.watch(call);
                  Response r = call.execute()) {
                r.body().string();
              } catch (Throwable e) {
                failure.set(e);
              }
              flagAfter.set(Thread.currentThread().isInterrupted());
            });
    t.start();
    server.takeRequest(); // sent: the thread now blocks reading the answer
    Thread.sleep(100);
    t.interrupt();
    return t;
  }

  @Test
  void aCallBlockedOnTheNetworkIsCancelledWhenItsThreadIsInterrupted() throws Exception {
    server.enqueue(answerAfterAMinute());
    InterruptWatch watch = new InterruptWatch("test-watch");
    Call call = client.newCall(new Request.Builder().url(server.url("/wait")).build());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();

    Thread t = interruptedWhileBlocked(watch, call, failure, flagAfter);
    t.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(t.isAlive()).as("returned well before the answer's minute").isFalse();
    assertThat(call.isCanceled()).isTrue();
    assertThat(failure.get()).isInstanceOf(IOException.class);
    assertThat(flagAfter).as("the interrupt flag is left for the caller").isTrue();
  }

  @Test
  void withoutTheWatchTheSameCallKeepsBlockingDespiteTheInterrupt() throws Exception {
    // the control: what the watch is for
    server.enqueue(answerAfterAMinute());
    Call call = client.newCall(new Request.Builder().url(server.url("/wait")).build());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try (Response r = call.execute()) {
                r.body().string();
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    t.start();
    server.takeRequest();
    Thread.sleep(100);
    t.interrupt();
    t.join(1_000);
    try {
      assertThat(t.isAlive()).as("a blocked socket read ignores the interrupt").isTrue();
    } finally {
      call.cancel();
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  @Test
  void callsOfThreadsThatAreNotInterruptedAreLeftAlone() throws Exception {
    server.enqueue(
        new MockResponse.Builder().body("fine").headersDelay(300, TimeUnit.MILLISECONDS).build());
    InterruptWatch watch = new InterruptWatch("test-watch");
    Call call = client.newCall(new Request.Builder().url(server.url("/slow")).build());
    try (InterruptWatch.Watched w = watch.watch(call);
        Response r = call.execute()) {
      assertThat(r.body().string()).isEqualTo("fine");
    }
    assertThat(call.isCanceled()).isFalse();
  }

  @Test
  void theWatcherThreadEndsWhenNothingIsWatchedAndStartsAgainWhenNeeded() throws Exception {
    InterruptWatch watch = new InterruptWatch("test-watch");
    assertThat(watch.running()).isFalse();
    Call first = client.newCall(new Request.Builder().url(server.url("/a")).build());
    watch.watch(first).close();
    assertThat(watch.running()).isTrue();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (watch.running()) {
      assertThat(System.nanoTime()).as("the idle watcher ended").isLessThan(deadline);
      Thread.sleep(50);
    }

    server.enqueue(answerAfterAMinute());
    Call second = client.newCall(new Request.Builder().url(server.url("/b")).build());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread t = interruptedWhileBlocked(watch, second, failure, flagAfter);
    t.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(t.isAlive()).isFalse();
    assertThat(second.isCanceled()).isTrue();
  }

  private static Thread threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theWatcherThreadDoesNotHoldTheContextClassLoaderOfTheThreadThatStartedIt() throws Exception {
    // an app server's webapp loader, which a JVM-wide watcher must not pin after an undeploy
    ClassLoader webapp = new URLClassLoader(new URL[0], getClass().getClassLoader());
    InterruptWatch watch = new InterruptWatch("test-watch-loader");
    Thread caller = Thread.currentThread();
    ClassLoader before = caller.getContextClassLoader();
    caller.setContextClassLoader(webapp);
    try {
      watch.watch(client.newCall(new Request.Builder().url(server.url("/a")).build())).close();
    } finally {
      caller.setContextClassLoader(before);
    }
    assertThat(watch.running()).isTrue();
    assertThat(threadNamed("test-watch-loader").getContextClassLoader())
        .isNotSameAs(webapp)
        .isSameAs(InterruptWatch.class.getClassLoader());
  }

  @Test
  void theWatcherThreadDoesNotInheritTheThreadLocalsOfTheThreadThatStartedIt() {
    AtomicInteger inherited = new AtomicInteger();
    InheritableThreadLocal<Object> local =
        new InheritableThreadLocal<>() {
          @Override
          protected Object childValue(Object parentValue) {
            inherited.incrementAndGet(); // called for each thread created inheriting the value
            return parentValue;
          }
        };
    local.set(new Object());
    try {
      InterruptWatch watch = new InterruptWatch("test-watch-locals");
      watch.watch(client.newCall(new Request.Builder().url(server.url("/a")).build())).close();
      assertThat(watch.running()).isTrue();
      assertThat(inherited).as("values handed to the watcher thread").hasValue(0);
    } finally {
      local.remove();
    }
  }
}
