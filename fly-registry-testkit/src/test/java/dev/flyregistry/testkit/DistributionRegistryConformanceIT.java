package dev.flyregistry.testkit;

import dev.flyregistry.testing.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite against the CNCF distribution registry 2.8.2 ({@code docker-registry}) with
 * Basic authentication and the Fly-style {@code x} account. Runs in the real-registry profile
 * ({@code mvn -P real-registry verify}); a missing registry binary fails it.
 */
class DistributionRegistryConformanceIT extends RegistryConformanceSuite {
  private static LocalRegistry registry;

  @BeforeAll
  static void start() {
    registry = LocalRegistry.startHtpasswd();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Override
  protected String base() {
    return "http://" + registry.host();
  }

  @Override
  protected String authorization() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (LocalRegistry.FLY_USER + ":" + LocalRegistry.FLY_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected String repo1() {
    return "app-1";
  }

  @Override
  protected String repo2() {
    return "app-2";
  }

  @Override
  protected String emptyRepo() {
    return "app-3";
  }
}
