package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** Runs sample classes with the extension and checks what it starts, shares and stops. */
class FlyEmulatorExtensionLifecycleTest {

  static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  @ExtendWith(FlyEmulatorExtension.class)
  static class SampleWithExtendWith {
    @Test
    void first(FlyEmulator fly) {
      SEEN.add(fly.registryUrl());
    }

    @Test
    void second(FlyEmulator fly) {
      SEEN.add(fly.registryUrl());
    }
  }

  static class SampleWithRegisterExtension {
    @RegisterExtension
    static final FlyEmulatorExtension FLY =
        new FlyEmulatorExtension(() -> FlyEmulator.builder().relativeLocations(true).start());

    @Test
    void usesTheConfiguredEmulator() {
      SEEN.add(FLY.emulator().registryUrl());
    }
  }

  private static long run(Class<?>... classes) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
    for (Class<?> c : classes) {
      request.selectors(selectClass(c));
    }
    LauncherFactory.create().execute(request.build(), listener);
    assertThat(listener.getSummary().getFailures()).isEmpty();
    return listener.getSummary().getTestsSucceededCount();
  }

  @Test
  void oneEmulatorPerClassClosedAfterTheClass() {
    SEEN.clear();
    assertThat(run(SampleWithExtendWith.class)).isEqualTo(2);
    assertThat(SEEN).hasSize(1);
    String url = SEEN.iterator().next();
    assertThatThrownBy(() -> RawHttp.send("GET", url + "/v2/", (byte[]) null))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void eachClassGetsItsOwnEmulatorAlsoWithRegisterExtension() {
    SEEN.clear();
    assertThat(run(SampleWithExtendWith.class, SampleWithRegisterExtension.class)).isEqualTo(3);
    assertThat(SEEN).hasSize(2);
    for (String url : List.copyOf(SEEN)) {
      assertThatThrownBy(() -> RawHttp.send("GET", url + "/v2/", (byte[]) null))
          .isInstanceOf(UncheckedIOException.class);
    }
  }
}
