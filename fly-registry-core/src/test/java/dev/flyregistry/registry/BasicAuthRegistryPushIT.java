package dev.flyregistry.registry;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.LocalRegistryExtension;
import dev.flyregistry.testing.Skopeo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The write path against the real registry with HTTP Basic auth as registry.fly.io does it: user
 * {@code x}, the Fly-style token as password.
 */
class BasicAuthRegistryPushIT extends RealRegistryPushContract {

  @RegisterExtension
  static final LocalRegistryExtension REGISTRY = LocalRegistryExtension.htpasswd();

  @Override
  LocalRegistry registry() {
    return REGISTRY.registry();
  }

  @Override
  Skopeo.Auth skopeoAuth() {
    return Skopeo.basic(LocalRegistry.FLY_USER, LocalRegistry.FLY_PASSWORD);
  }

  @Override
  Credentials credentials() {
    return Credentials.basic(registry().host(), LocalRegistry.FLY_USER, LocalRegistry.FLY_PASSWORD);
  }
}
