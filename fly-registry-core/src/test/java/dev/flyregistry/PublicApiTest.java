package dev.flyregistry;

import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.testing.ApiSurface;
import dev.flyregistry.testing.PublicApiContract;
import java.util.List;
import java.util.Set;

/** DESIGN.md's public API discipline, checked on core's compiled classes. */
class PublicApiTest extends PublicApiContract {
  private static final String BASE_MANIFEST = "dev.flyregistry.registry.BaseManifest";
  private static final ApiSurface API = ApiSurface.ofModuleOf(RegistryClient.class);

  @Override
  protected ApiSurface api() {
    return API;
  }

  @Override
  protected Set<String> publicPackages() {
    return Set.of(
        "dev.flyregistry",
        "dev.flyregistry.auth",
        "dev.flyregistry.http",
        "dev.flyregistry.machines",
        "dev.flyregistry.registry");
  }

  @Override
  protected List<String> acceptedLeaks() {
    return List.of(
        // DESIGN.md: a user may pass in their own OkHttpClient, and read it back.
        "dev.flyregistry.http.HttpSettings.okHttpClient returns: okhttp3.OkHttpClient",
        "dev.flyregistry.http.HttpSettings.withOkHttpClient takes: okhttp3.OkHttpClient",
        // The four manifests share their state through a package-private base class. Users cannot
        // name it; javac gives each manifest public copies of the inherited methods, and the
        // Manifest interface documents them.
        "dev.flyregistry.registry.DockerManifest extends: " + BASE_MANIFEST,
        "dev.flyregistry.registry.DockerManifestList extends: " + BASE_MANIFEST,
        "dev.flyregistry.registry.OciIndex extends: " + BASE_MANIFEST,
        "dev.flyregistry.registry.OciManifest extends: " + BASE_MANIFEST);
  }
}
