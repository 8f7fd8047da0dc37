package dev.flyregistry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/** The rules of DESIGN.md's public API discipline, checked on core's compiled classes. */
class PublicApiTest {
  private static final String BASE_MANIFEST = "dev.flyregistry.registry.BaseManifest";
  private static final ApiSurface API = ApiSurface.ofModuleOf(RegistryClient.class);

  @Test
  void publicTypesLiveInTheDocumentedPackagesOnly() {
    assertThat(API.publicPackages())
        .containsExactlyInAnyOrder(
            "dev.flyregistry",
            "dev.flyregistry.auth",
            "dev.flyregistry.http",
            "dev.flyregistry.machines",
            "dev.flyregistry.registry");
  }

  @Test
  void publicSignaturesNameNoThirdPartyOrInternalTypeBeyondTheDeliberateOnes() {
    assertThat(API.signatureLeaks(c -> false))
        .containsExactlyInAnyOrder(
            // DESIGN.md: a user may pass in their own OkHttpClient, and read it back.
            "dev.flyregistry.http.HttpSettings.okHttpClient returns: okhttp3.OkHttpClient",
            "dev.flyregistry.http.HttpSettings.withOkHttpClient takes: okhttp3.OkHttpClient",
            // The four manifests share their state through a package-private base class. Users
            // cannot name it; javac gives each manifest public copies of the inherited methods, and
            // the Manifest interface documents them.
            "dev.flyregistry.registry.DockerManifest extends: " + BASE_MANIFEST,
            "dev.flyregistry.registry.DockerManifestList extends: " + BASE_MANIFEST,
            "dev.flyregistry.registry.OciIndex extends: " + BASE_MANIFEST,
            "dev.flyregistry.registry.OciManifest extends: " + BASE_MANIFEST);
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
