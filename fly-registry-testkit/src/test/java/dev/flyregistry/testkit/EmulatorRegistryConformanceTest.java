package dev.flyregistry.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite against FlyEmulator (username {@code x}, an emulator token). */
class EmulatorRegistryConformanceTest extends RegistryConformanceSuite {
  private static FlyEmulator fly;
  private static String token;

  @BeforeAll
  static void start() {
    fly = FlyEmulator.start();
    fly.createOrganization("conformance");
    token = fly.createToken("conformance");
    fly.createApp("conformance", "app-1");
    fly.createApp("conformance", "app-2");
    fly.createApp("conformance", "app-3");
  }

  @AfterAll
  static void stop() {
    fly.close();
  }

  @Override
  protected String base() {
    return fly.registryUrl();
  }

  @Override
  protected String authorization() {
    return RawHttp.basic(token);
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
