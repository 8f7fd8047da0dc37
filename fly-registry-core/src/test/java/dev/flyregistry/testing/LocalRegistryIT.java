package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test registry itself: each mode starts, answers as configured, and is gone after close. */
class LocalRegistryIT {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path tmp;

  @Test
  void noAuthRegistryAnswersAndIsGoneAfterClose() throws Exception {
    LocalRegistry registry = LocalRegistry.startNoAuth();
    Path workDir = registry.workDir();
    try {
      assertThat(registry.host()).isEqualTo("127.0.0.1:" + registry.port());
      HttpResponse<String> v2 = get(registry, "/v2/", null);
      assertThat(v2.statusCode()).isEqualTo(200);
      assertThat(v2.headers().firstValue("Docker-Distribution-API-Version"))
          .hasValue("registry/2.0");
      assertThat(Files.isDirectory(workDir)).isTrue();
    } finally {
      registry.close();
    }
    assertThat(registry.isRunning()).isFalse();
    assertThat(workDir).doesNotExist();
    assertThat(registry.logFile()).exists();
    assertThatThrownBy(() -> get(registry, "/v2/", null)).isInstanceOf(ConnectException.class);
  }

  @Test
  void twoRegistriesRunSideBySideOnDifferentPorts() throws Exception {
    try (LocalRegistry a = LocalRegistry.startNoAuth();
        LocalRegistry b = LocalRegistry.startNoAuth()) {
      assertThat(a.port()).isNotEqualTo(b.port());
      assertThat(get(a, "/v2/", null).statusCode()).isEqualTo(200);
      assertThat(get(b, "/v2/", null).statusCode()).isEqualTo(200);
      assertThat(a.workDir()).isNotEqualTo(b.workDir());
    }
  }

  @Test
  void htpasswdRegistryTakesBothAccountsAndRefusesOthers() throws Exception {
    try (LocalRegistry registry = LocalRegistry.startHtpasswd()) {
      HttpResponse<String> anonymous = get(registry, "/v2/", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));

      assertThat(
              get(registry, "/v2/", basic(LocalRegistry.FLY_USER, LocalRegistry.FLY_PASSWORD))
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              get(registry, "/v2/", basic(LocalRegistry.USER, LocalRegistry.PASSWORD)).statusCode())
          .isEqualTo(200);
      assertThat(get(registry, "/v2/", basic(LocalRegistry.FLY_USER, "fm2_wrong")).statusCode())
          .isEqualTo(401);
      assertThat(get(registry, "/v2/", basic("nobody", LocalRegistry.PASSWORD)).statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void tokenRegistryChallengesWithTheGivenRealmAndService() throws Exception {
    Path key = tmp.resolve("token.key");
    Path cert = tmp.resolve("token.crt");
    Tools.runChecked(
        List.of(
            Tools.require("openssl", "openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test-issuer",
            "-keyout",
            key.toString(),
            "-out",
            cert.toString()),
        Duration.ofSeconds(60),
        null,
        "openssl req -x509");
    LocalRegistry.TokenAuth auth =
        new LocalRegistry.TokenAuth(
            "http://127.0.0.1:9/token", "test-registry", "test-issuer", cert);
    try (LocalRegistry registry = LocalRegistry.startToken(auth)) {
      HttpResponse<String> v2 = get(registry, "/v2/", null);
      assertThat(v2.statusCode()).isEqualTo(401);
      assertThat(v2.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"http://127.0.0.1:9/token\",service=\"test-registry\"");
      HttpResponse<String> bad = get(registry, "/v2/", "Bearer not-a-jwt");
      assertThat(bad.statusCode()).isEqualTo(401);
      assertThat(bad.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));
    }
  }

  @Test
  void tokenRegistryAcceptsIssuerTokensWithAndWithoutTheCertificateInTheHeader() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start();
        LocalRegistry registry =
            LocalRegistry.startToken(
                new LocalRegistry.TokenAuth(
                    issuer.realm(), issuer.service(), issuer.issuer(), issuer.certificatePem()))) {
      List<TokenIssuer.Access> pull =
          List.of(new TokenIssuer.Access("repository", "keys/app", List.of("pull")));
      String path = "/v2/keys/app/tags/list";
      for (TokenIssuer.KeyHeader shape : TokenIssuer.KeyHeader.values()) {
        String token = issuer.mint("testuser", pull, Duration.ofMinutes(5), shape);
        // authorized: the repository is unknown, not the caller
        HttpResponse<String> r = get(registry, path, "Bearer " + token);
        assertThat(r.statusCode()).as(shape.name()).isEqualTo(404);
        assertThat(r.body()).as(shape.name()).contains("NAME_UNKNOWN");
        // the same token with another signature is refused
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
        assertThat(get(registry, path, "Bearer " + forged).statusCode())
            .as(shape.name())
            .isEqualTo(401);
      }
    }
  }

  @Test
  void missingRegistryBinaryIsAClearFailureNotASkip() {
    String previous = System.getProperty(LocalRegistry.BINARY_PROPERTY);
    System.setProperty(LocalRegistry.BINARY_PROPERTY, tmp.resolve("no-such-registry").toString());
    try {
      assertThatThrownBy(LocalRegistry::startNoAuth)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no-such-registry")
          .hasMessageContaining("not an executable file");
    } finally {
      if (previous == null) {
        System.clearProperty(LocalRegistry.BINARY_PROPERTY);
      } else {
        System.setProperty(LocalRegistry.BINARY_PROPERTY, previous);
      }
    }
  }

  @Test
  void aRegistryThatExitsAtOnceFailsWithItsLog() throws IOException {
    Path fake = tmp.resolve("fake-registry");
    Files.writeString(fake, "#!/bin/sh\necho 'configuration error: nothing here' >&2\nexit 3\n");
    assertThat(fake.toFile().setExecutable(true)).isTrue();
    String previous = System.getProperty(LocalRegistry.BINARY_PROPERTY);
    System.setProperty(LocalRegistry.BINARY_PROPERTY, fake.toString());
    try {
      assertThatThrownBy(LocalRegistry::startNoAuth)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exited with status 3")
          .hasMessageContaining("configuration error: nothing here");
    } finally {
      if (previous == null) {
        System.clearProperty(LocalRegistry.BINARY_PROPERTY);
      } else {
        System.setProperty(LocalRegistry.BINARY_PROPERTY, previous);
      }
    }
  }

  private HttpResponse<String> get(LocalRegistry registry, String path, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + registry.host() + path))
            .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
