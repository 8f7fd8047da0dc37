package dev.flyregistry.registry;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.LocalRegistryExtension;
import dev.flyregistry.testing.Skopeo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The write path against the real registry without authentication. */
class NoAuthRegistryPushIT extends RealRegistryPushContract {

  @RegisterExtension static final LocalRegistryExtension REGISTRY = LocalRegistryExtension.noAuth();

  @Override
  LocalRegistry registry() {
    return REGISTRY.registry();
  }

  @Override
  Skopeo.Auth skopeoAuth() {
    return Skopeo.anonymous();
  }

  @Override
  Credentials credentials() {
    return Credentials.anonymous();
  }
}
