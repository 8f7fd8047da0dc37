package dev.flyregistry.graphql;

import dev.flyregistry.testing.ApiSurface;
import dev.flyregistry.testing.PublicApiContract;
import java.util.Set;

/** DESIGN.md's public API discipline, checked on the GraphQL module's classes. */
class PublicApiTest extends PublicApiContract {
  private static final ApiSurface API = ApiSurface.ofModuleOf(GraphqlClient.class);

  @Override
  protected ApiSurface api() {
    return API;
  }

  @Override
  protected Set<String> publicPackages() {
    return Set.of("dev.flyregistry.graphql");
  }
}
