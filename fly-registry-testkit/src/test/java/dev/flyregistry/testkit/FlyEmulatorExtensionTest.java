package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FlyEmulatorExtension.class)
class FlyEmulatorExtensionTest {
  static FlyEmulator staticField;
  static FlyEmulator fromBeforeAll;
  FlyEmulator instanceField;

  @BeforeAll
  static void beforeAll(FlyEmulator fly) {
    fromBeforeAll = fly;
    fly.createOrganization("ext");
  }

  @Test
  void injectsOneEmulatorPerClassIntoFieldsAndParameters(FlyEmulator parameter) {
    assertThat(staticField).isNotNull();
    assertThat(instanceField).isSameAs(staticField);
    assertThat(parameter).isSameAs(staticField).isSameAs(fromBeforeAll);
    assertThat(parameter.registryHost()).startsWith("127.0.0.1:");
  }

  @Test
  void theEmulatorIsRunningAndKeepsStateAcrossTheClass(FlyEmulator fly) {
    String token = fly.createToken("ext");
    RawHttp.Response r =
        RawHttp.send(
            "GET",
            fly.registryUrl() + "/v2/",
            (byte[]) null,
            "Authorization",
            RawHttp.basic(token));
    assertThat(r.status()).isEqualTo(200);
  }

  @Nested
  class NestedTests {
    @Test
    void nestedClassesShareTheOuterEmulator(FlyEmulator fly) {
      assertThat(fly).isSameAs(staticField);
    }
  }

  @AfterAll
  static void stillOpenInAfterAll(FlyEmulator fly) {
    assertThat(fly.machinesUrl()).endsWith("/v1");
  }
}
