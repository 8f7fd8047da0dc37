package dev.flyregistry.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.registry.RegistryIoException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {
  private static final List<Integer> ITEMS =
      IntStream.range(0, 40).boxed().collect(Collectors.toList());

  @Test
  void resultsKeepTheOrderOfTheItemsWhateverOrderTheTasksFinishIn() {
    List<Integer> out =
        Parallel.map(
            ITEMS,
            8,
            "test",
            i -> "r",
            i -> {
              sleep(40 - i); // later items finish first
              return i * 10;
            });
    assertThat(out).isEqualTo(ITEMS.stream().map(i -> i * 10).collect(Collectors.toList()));
  }

  @Test
  void neverRunsMoreTasksAtOnceThanTheConcurrencyAndUsesNamedDaemonThreads() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<String> names =
        Parallel.map(
            ITEMS,
            3,
            "test",
            i -> "r",
            i -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              sleep(5);
              running.decrementAndGet();
              assertThat(Thread.currentThread().isDaemon()).isTrue();
              return Thread.currentThread().getName();
            });
    assertThat(most.get()).isEqualTo(3);
    assertThat(names).allMatch(n -> n.matches("fly-registry-test-[123]"));
  }

  @Test
  void concurrencyOneRunsOnTheCallingThread() {
    Thread caller = Thread.currentThread();
    List<Boolean> same =
        Parallel.map(ITEMS, 1, "test", i -> "r", i -> Thread.currentThread() == caller);
    assertThat(same).containsOnly(true).hasSize(ITEMS.size());
  }

  @Test
  void theFirstFailureIsRethrownAsItWasAndTheOtherTasksAreCancelled() {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Parallel.map(
                    ITEMS,
                    2,
                    "test",
                    i -> "r",
                    i -> {
                      started.incrementAndGet();
                      if (i == 0) {
                        throw boom;
                      }
                      try {
                        release.await(); // would hold every other task forever
                      } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                      }
                      return i;
                    }))
        .isSameAs(boom);
    // the tasks that had started were interrupted; the queued ones never ran
    awaitTrue(() -> interrupted.get() == started.get() - 1);
    // item 0 fails at once: at most a few others started on the two threads before the cancel
    assertThat(started.get()).isBetween(1, 6);
  }

  @Test
  void aLaterItemThatFailsFirstIsNotHeldUpByAnEarlierSlowOne() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger interrupted = new AtomicInteger();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                Parallel.map(
                    List.of(0, 1),
                    2,
                    "test",
                    i -> "r",
                    i -> {
                      if (i == 1) {
                        throw boom;
                      }
                      try {
                        Thread.sleep(60_000); // item 0 would hold the caller for a minute
                      } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                      }
                      return i;
                    }))
        .isSameAs(boom);
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(30));
    awaitTrue(() -> interrupted.get() == 1);
  }

  @Test
  void aCheckedFailureIsWrappedWithTheRegistryOfItsItem() {
    java.io.IOException cause = new java.io.IOException("disk gone");
    assertThatThrownBy(
            () ->
                Parallel.map(
                    ITEMS,
                    4,
                    "test",
                    i -> "registry-" + i,
                    i -> {
                      if (i == 7) {
                        throw sneaky(cause);
                      }
                      return i;
                    }))
        .isInstanceOf(dev.flyregistry.registry.RegistryException.class)
        .isNotInstanceOf(RegistryIoException.class)
        .hasMessage("test failed: java.io.IOException: disk gone")
        .hasCause(cause)
        .satisfies(
            e ->
                assertThat(((dev.flyregistry.registry.RegistryException) e).registry())
                    .hasValue("registry-7"));
  }

  @Test
  void everyItemRunsOnceWhenNothingFails() {
    java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    List<Integer> out =
        Parallel.map(
            ITEMS,
            16,
            "test",
            i -> "r",
            i -> {
              runs.incrementAndGet();
              seen.add(i);
              return -i;
            });
    assertThat(runs.get()).isEqualTo(ITEMS.size());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ITEMS);
    assertThat(out).isEqualTo(ITEMS.stream().map(i -> -i).collect(Collectors.toList()));
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  @Test
  void anInterruptedCallerGetsARegistryIoExceptionAndKeepsItsInterruptFlag() {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    CountDownLatch inTask = new CountDownLatch(1);
    Thread caller =
        new Thread(
            () -> {
              try {
                Parallel.map(
                    ITEMS,
                    2,
                    "test",
                    i -> "registry.example",
                    i -> {
                      inTask.countDown();
                      sleep(60_000);
                      return i;
                    });
              } catch (Throwable t) {
                thrown.set(t);
                flag.set(Thread.currentThread().isInterrupted());
              }
            });
    caller.start();
    awaitTrue(() -> inTask.getCount() == 0);
    caller.interrupt();
    awaitTrue(() -> !caller.isAlive());
    assertThat(thrown.get()).isInstanceOf(RegistryIoException.class).hasMessage("test interrupted");
    assertThat(flag.get()).isTrue();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      sleep(5);
    }
  }
}
