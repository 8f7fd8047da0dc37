package dev.flyregistry.machines;

import static dev.flyregistry.machines.FakeFly.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateLimitTest {
  private FakeFly fly;

  @BeforeEach
  void start() throws IOException {
    fly = new FakeFly();
    fly.on("GET", "/v1/apps/app-1/machines", json(200, "[]"));
    fly.on("GET", "/v1/apps", json(200, "{\"apps\":[]}"));
  }

  @AfterEach
  void stop() {
    fly.stop();
  }

  @Test
  void defaultsAreOnePerSecondInBurstsOfThree() {
    assertThat(RateLimit.defaults()).isEqualTo(new RateLimit(3, Duration.ofSeconds(1)));
    assertThat(RateLimit.defaults().enabled()).isTrue();
    assertThat(RateLimit.none().enabled()).isFalse();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new RateLimit(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestsOverTheBurstWaitThroughTheSleeperPerAction() {
    try (MachinesClient c =
        fly.builder().rateLimit(new RateLimit(2, Duration.ofSeconds(30))).build()) {
      c.machines().list("app-1");
      c.machines().list("app-1");
      assertThat(fly.sleeps).isEmpty();

      // another action has its own budget
      c.apps().list("personal");
      assertThat(fly.sleeps).isEmpty();

      c.machines().list("app-1");
      assertThat(fly.sleeps).hasSize(1);
      assertThat(fly.sleeps.get(0)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
    }
    assertThat(fly.requests).hasSize(4);
  }

  @Test
  void noLimitNeverWaits() {
    try (MachinesClient c = fly.builder().rateLimit(RateLimit.none()).build()) {
      for (int i = 0; i < 10; i++) {
        c.machines().list("app-1");
      }
    }
    assertThat(fly.sleeps).isEmpty();
  }
}
