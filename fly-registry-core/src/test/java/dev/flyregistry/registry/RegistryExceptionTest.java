package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryExceptionTest {

  @Test
  void anExceptionBuiltWithoutAdviceHasNoneAndItsProblemIsItsMessage() {
    RegistryException e =
        new RegistryException(
            "HEAD manifest r/app:v1: 500 from r", 500, List.of(), "r", "app", null);
    assertThat(e.advice()).isEmpty();
    assertThat(e.problem())
        .isEqualTo(e.getMessage())
        .isEqualTo("HEAD manifest r/app:v1: 500 from r");
    RegistryAuthenticationException a =
        new RegistryAuthenticationException("401 from r", 401, List.of(), "r", null, null);
    assertThat(a.advice()).isEmpty();
    assertThat(a.problem()).isEqualTo(a.getMessage());
    ManifestFormatException m = new ManifestFormatException("not a manifest");
    assertThat(m.advice()).isEmpty();
    assertThat(m.problem()).isEqualTo("not a manifest");
  }

  @Test
  void adviceFollowsTheProblemInTheMessageAndIsKeptApart() {
    RegistryAuthenticationException e =
        new RegistryAuthenticationException(
            "401 from r with no credentials", "give it some", 401, List.of(), "r", "app", null);
    assertThat(e.getMessage()).isEqualTo("401 from r with no credentials; give it some");
    assertThat(e.problem()).isEqualTo("401 from r with no credentials");
    assertThat(e.advice()).contains("give it some");
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.repository()).contains("app");
  }

  @Test
  void nullOrBlankAdviceIsNone() {
    for (String none : new String[] {null, "", "  "}) {
      RegistryException e =
          new RegistryException("500 from r", none, 500, List.of(), "r", null, null);
      assertThat(e.advice()).isEmpty();
      assertThat(e.getMessage()).isEqualTo("500 from r");
      assertThat(e.problem()).isEqualTo("500 from r");
    }
  }
}
