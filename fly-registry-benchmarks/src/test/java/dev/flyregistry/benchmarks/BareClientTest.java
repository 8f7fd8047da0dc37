package dev.flyregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BareClientTest {
  private HttpServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<Integer> remotePorts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v2/",
        ex -> {
          seen.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + " accept="
                  + ex.getRequestHeaders().getFirst("Accept")
                  + " auth="
                  + ex.getRequestHeaders().getFirst("Authorization"));
          remotePorts.add(ex.getRemoteAddress().getPort());
          String path = ex.getRequestURI().getPath();
          int status = path.endsWith("/boom") ? 500 : path.contains("/manifests/v") ? 200 : 404;
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String ref(String repoAndTag) {
    return "127.0.0.1:" + server.getAddress().getPort() + "/" + repoAndTag;
  }

  @Test
  void countsThePresentReferencesOverOneKeptAliveConnectionWithTheGivenHeaders() throws Exception {
    try (Worker.BareClient c =
        new Worker.BareClient(server.getAddress().getPort(), "application/x-test", "tok")) {
      long found = c.checkAll(List.of(ref("app-00:v0001"), ref("app-00:missing-1"), ref("a/b:v2")));
      assertThat(found).isEqualTo(2);
    }
    assertThat(seen)
        .containsExactly(
            "HEAD /v2/app-00/manifests/v0001 accept=application/x-test auth=Bearer tok",
            "HEAD /v2/app-00/manifests/missing-1 accept=application/x-test auth=Bearer tok",
            "HEAD /v2/a/b/manifests/v2 accept=application/x-test auth=Bearer tok");
    assertThat(remotePorts).hasSize(3).containsOnly(remotePorts.get(0));
  }

  @Test
  void sendsNoAuthorizationWithoutATokenAndFailsOnAnythingButPresentOrMissing() throws Exception {
    try (Worker.BareClient c = new Worker.BareClient(server.getAddress().getPort(), "a/b", null)) {
      assertThatThrownBy(() -> c.checkAll(List.of(ref("app:missing"), ref("app:boom"))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("status 500");
    }
    assertThat(seen.get(0)).endsWith("auth=null");
  }
}
