package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/** The rules of DESIGN.md's public API discipline, checked on the testkit's classes. */
class PublicApiTest {
  private static final ApiSurface API = ApiSurface.ofModuleOf(FlyEmulator.class);

  @Test
  void publicTypesLiveInOnePackage() {
    assertThat(API.publicPackages()).containsExactly("dev.flyregistry.testkit");
  }

  @Test
  void publicSignaturesNameNoThirdPartyOrInternalTypeButJUnitsExtensionApi() {
    // A JUnit 5 extension implements JUnit's callbacks and receives its contexts: that much of
    // JUnit is the extension's purpose. Nothing else beyond the JDK and this SDK.
    assertThat(
            API.signatureLeaks(c -> c.getPackageName().equals("org.junit.jupiter.api.extension")))
        .isEmpty();
  }

  @Test
  void publicFieldsAreConstants() {
    assertThat(API.mutableFields()).isEmpty();
  }

  @Test
  void publicClassesOtherThanExceptionsCannotBeSubclassed() {
    assertThat(API.openClasses()).isEmpty();
  }
}
