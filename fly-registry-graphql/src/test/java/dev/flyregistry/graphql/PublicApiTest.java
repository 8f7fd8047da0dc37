package dev.flyregistry.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/** The rules of DESIGN.md's public API discipline, checked on the GraphQL module's classes. */
class PublicApiTest {
  private static final ApiSurface API = ApiSurface.ofModuleOf(GraphqlClient.class);

  @Test
  void publicTypesLiveInOnePackage() {
    assertThat(API.publicPackages()).containsExactly("dev.flyregistry.graphql");
  }

  @Test
  void publicSignaturesNameNoThirdPartyOrInternalType() {
    assertThat(API.signatureLeaks(c -> false)).isEmpty();
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
