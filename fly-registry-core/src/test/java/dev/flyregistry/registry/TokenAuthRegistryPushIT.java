package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.LocalRegistryExtension;
import dev.flyregistry.testing.Skopeo;
import dev.flyregistry.testing.TokenIssuer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The write path against the real registry with a Bearer token service. */
class TokenAuthRegistryPushIT extends RealRegistryPushContract {

  static final TokenIssuer ISSUER = TokenIssuer.start();

  @RegisterExtension
  static final LocalRegistryExtension REGISTRY =
      LocalRegistryExtension.token(
          () ->
              new LocalRegistry.TokenAuth(
                  ISSUER.realm(), ISSUER.service(), ISSUER.issuer(), ISSUER.certificatePem()));

  @AfterAll
  static void stopIssuer() {
    ISSUER.close();
  }

  @Override
  LocalRegistry registry() {
    return REGISTRY.registry();
  }

  @Override
  Skopeo.Auth skopeoAuth() {
    return Skopeo.basic(LocalRegistry.USER, LocalRegistry.PASSWORD);
  }

  @Override
  Credentials credentials() {
    return Credentials.basic(registry().host(), LocalRegistry.USER, LocalRegistry.PASSWORD);
  }

  @Test
  void aCopyAsksForPushOnTheTargetAndPullOnTheSourceInOneTokenRequest() {
    ImageReference from = ref("scope-src:v1");
    ImageReference to = ref("scope-dst:v1");
    client.push(ImageSource.ociLayout(layout.dir(), "v1"), from);
    int before = ISSUER.requests().size();

    CopyResult copy = client.copy(from, to);

    assertThat(copy.bytesSent()).isZero();
    List<List<String>> scopes =
        ISSUER.requests().subList(before, ISSUER.requests().size()).stream()
            .map(r -> r.scopes())
            .toList();
    // one token request, for both repositories, served every request of the copy
    assertThat(scopes)
        .containsExactly(List.of("repository:scope-dst:pull,push", "repository:scope-src:pull"));
  }
}
