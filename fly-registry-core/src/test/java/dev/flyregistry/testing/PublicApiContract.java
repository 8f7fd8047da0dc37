package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules of DESIGN.md's public API discipline as tests, for one module: a module's {@code
 * PublicApiTest} extends this and says which module (an anchor class), its public packages, and the
 * exceptions it makes deliberately.
 */
public abstract class PublicApiContract {
  /** The module's API: {@code ApiSurface.ofModuleOf(SomeClassOfIt.class)}. */
  protected abstract ApiSurface api();

  /** The packages meant to hold public types. */
  protected abstract Set<String> publicPackages();

  /** Leaks accepted on purpose, as {@link ApiSurface#signatureLeaks} words them. */
  protected List<String> acceptedLeaks() {
    return List.of();
  }

  /** Types beyond the JDK and this SDK that the module's signatures may name. */
  protected boolean alsoAllowed(Class<?> type) {
    return false;
  }

  @Test
  void publicTypesLiveInTheDocumentedPackagesOnly() {
    assertThat(api().publicPackages()).containsExactlyInAnyOrderElementsOf(publicPackages());
  }

  @Test
  void publicSignaturesNameNoThirdPartyOrInternalTypeBeyondTheDeliberateOnes() {
    assertThat(api().signatureLeaks(this::alsoAllowed))
        .containsExactlyInAnyOrderElementsOf(acceptedLeaks());
  }

  @Test
  void publicFieldsAreConstants() {
    assertThat(api().mutableFields()).isEmpty();
  }

  @Test
  void publicClassesOtherThanExceptionsCannotBeSubclassed() {
    assertThat(api().openClasses()).isEmpty();
  }
}
