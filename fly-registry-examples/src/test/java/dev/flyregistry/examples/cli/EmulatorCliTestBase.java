package dev.flyregistry.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.testkit.FlyEmulator;
import dev.flyregistry.testkit.FlyEmulatorExtension;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the end-to-end command tests share: one in-process emulator per test class with the
 * organisation {@code personal} and a token for it, and a {@link Cli} whose home is a fresh
 * temporary directory for each test.
 */
@ExtendWith(FlyEmulatorExtension.class)
abstract class EmulatorCliTestBase {
  static final ObjectMapper JSON = new ObjectMapper();
  static final AtomicInteger IDS = new AtomicInteger();

  static FlyEmulator fly;
  static String token;

  @TempDir Path home;
  Cli cli;

  private final String appPrefix;

  /**
   * @param appPrefix how the names of the apps that {@link #newApp()} creates begin
   */
  EmulatorCliTestBase(String appPrefix) {
    this.appPrefix = appPrefix;
  }

  /**
   * Takes the emulator as a parameter, not by field injection: the static fields are shared by
   * every subclass, and the extension fills only fields that are still null.
   */
  @BeforeAll
  static void org(FlyEmulator emulator) {
    fly = emulator;
    fly.createOrganization("personal");
    token = fly.createToken("personal");
  }

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
  }

  String newApp() {
    String name = appPrefix + IDS.incrementAndGet();
    fly.createApp("personal", name);
    return name;
  }

  static int requests() {
    return fly.metrics().requestLog().size();
  }
}
