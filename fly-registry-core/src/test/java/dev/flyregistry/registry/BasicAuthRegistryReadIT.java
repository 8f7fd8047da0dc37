package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.LocalRegistryExtension;
import dev.flyregistry.testing.ManifestKind;
import dev.flyregistry.testing.Skopeo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read path against the real registry with HTTP Basic auth, as registry.fly.io does it: user
 * {@code x}, the (Fly-style) token as password, for skopeo and the SDK alike.
 */
class BasicAuthRegistryReadIT extends RealRegistryReadContract {

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

  @Test
  void anAnonymousClientIsRefusedWithA401() {
    try (RegistryClient anonymous = newClient(Credentials.anonymous())) {
      assertThatThrownBy(() -> anonymous.head(ref(REPO + ":" + ManifestKind.OCI_MANIFEST.tag())))
          .isInstanceOfSatisfying(
              RegistryAuthenticationException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithA401ThatDoesNotShowIt() {
    String wrong = "fm2_wrong-token-9999";
    try (RegistryClient client =
        newClient(Credentials.basic(registry().host(), LocalRegistry.FLY_USER, wrong))) {
      assertThatThrownBy(() -> client.head(ref(REPO + ":" + ManifestKind.OCI_MANIFEST.tag())))
          .isInstanceOfSatisfying(
              RegistryAuthenticationException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.getMessage()).doesNotContain(wrong);
              });
    }
  }

  @Test
  void credentialsForAnotherHostAreNotSent() {
    try (RegistryClient client =
        newClient(
            Credentials.basic(
                "registry.example.invalid", LocalRegistry.FLY_USER, LocalRegistry.FLY_PASSWORD))) {
      assertThatThrownBy(() -> client.head(ref(REPO + ":" + ManifestKind.OCI_MANIFEST.tag())))
          .isInstanceOf(RegistryAuthenticationException.class);
    }
  }
}
