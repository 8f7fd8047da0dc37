package dev.flyregistry.machines;

import static dev.flyregistry.machines.FakeFly.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MachinesClientTest {
  private FakeFly fly;

  @BeforeEach
  void start() throws IOException {
    fly = new FakeFly();
  }

  @AfterEach
  void stop() {
    fly.stop();
  }

  @Test
  void defaultsPointAtFly() {
    assertThat(MachinesClient.DEFAULT_ENDPOINT).isEqualTo("https://api.machines.dev/v1");
    assertThat(MachinesClient.DEFAULT_RELEASES_ENDPOINT).isEqualTo("https://api.fly.io/api/v1");
  }

  @Test
  void tokenIsRequired() {
    assertThatThrownBy(() -> MachinesClient.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("token");
  }

  @Test
  void plainHttpIsRefusedExceptToLoopback() {
    MachinesClient.Builder b = MachinesClient.builder().token(FakeFly.TOKEN);
    assertThatThrownBy(() -> b.endpoint("http://api.example.com/v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https");
    assertThatThrownBy(() -> b.releasesEndpoint("http://api.example.com/api/v1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.endpoint("ftp://x/y")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.endpoint("https://user:pw@api.example.com/v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("pw");
    b.endpoint("https://api.example.com/v1");
    b.endpoint("http://127.0.0.1:8080/v1");
    b.endpoint("http://localhost:8080/v1");
    b.endpoint("http://[::1]:8080/v1");
  }

  @Test
  void trailingSlashOfTheEndpointIsIgnored() {
    fly.on("GET", "/v1/apps/app-1", json(200, "{\"name\":\"app-1\"}"));
    try (MachinesClient c = fly.builder().endpoint(fly.server.url("/v1/").toString()).build()) {
      assertThat(c.apps().get("app-1")).isPresent();
    }
    assertThat(fly.log()).containsExactly("GET /v1/apps/app-1");
  }

  @Test
  void builderRejectsBadSettings() {
    MachinesClient.Builder b = MachinesClient.builder();
    assertThatThrownBy(() -> b.generatedNameAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.waitTimeout(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("60 seconds");
    assertThatThrownBy(() -> b.leaseTtl(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneClientServesManyThreads() throws Exception {
    for (int i = 0; i < 8; i++) {
      fly.on("GET", "/v1/apps/app-" + i, json(200, "{\"name\":\"app-" + i + "\"}"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (MachinesClient c = fly.client()) {
      List<Future<String>> names = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 8; i++) {
          String name = "app-" + i;
          names.add(pool.submit(() -> c.apps().get(name).orElseThrow().name()));
        }
      }
      for (int k = 0; k < names.size(); k++) {
        assertThat(names.get(k).get()).isEqualTo("app-" + (k % 8));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(fly.requests).hasSize(40);
  }
}
