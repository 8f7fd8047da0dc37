package dev.flyregistry.testkit;

import dev.flyregistry.testing.ApiSurface;
import dev.flyregistry.testing.PublicApiContract;
import java.util.Set;

/** DESIGN.md's public API discipline, checked on the testkit's classes. */
class PublicApiTest extends PublicApiContract {
  private static final ApiSurface API = ApiSurface.ofModuleOf(FlyEmulator.class);

  @Override
  protected ApiSurface api() {
    return API;
  }

  @Override
  protected Set<String> publicPackages() {
    return Set.of("dev.flyregistry.testkit");
  }

  /**
   * A JUnit 5 extension implements JUnit's callbacks and receives its contexts: that much of JUnit
   * is the extension's purpose. Nothing else beyond the JDK and this SDK.
   */
  @Override
  protected boolean alsoAllowed(Class<?> type) {
    return type.getPackageName().equals("org.junit.jupiter.api.extension");
  }
}
