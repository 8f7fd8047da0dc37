package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.DockerConfig;
import dev.flyregistry.auth.DockerConfigException;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.auth.RegistryCredential;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.testing.SecretCanary;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the registry client, its token service exchange and {@code config.json} handling with a
 * distinctive secret ({@link SecretCanary#TOKEN}) and hostile servers that echo it back: the secret
 * never appears in a log line (SDK loggers at DEBUG), an exception message (causes and suppressed
 * included), or a {@code toString()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistrySecretsTest {
  private static final String SECRET = SecretCanary.TOKEN;
  private static final String BASIC =
      "Basic "
          + Base64.getEncoder().encodeToString(("x:" + SECRET).getBytes(StandardCharsets.UTF_8));

  private final MockWebServer registryServer = new MockWebServer();
  private final MockWebServer tokenServer = new MockWebServer();
  private SecretCanary canary;
  private String host;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    canary = new SecretCanary();
    registryServer.start(InetAddress.getByName("127.0.0.1"), 0);
    tokenServer.start(InetAddress.getByName("127.0.0.1"), 0);
    host = "127.0.0.1:" + registryServer.getPort();
    client =
        RegistryClient.builder()
            .http(HttpSettings.defaults().withSleeper(d -> {}))
            .credentials(Credentials.basic(host, "x", SECRET))
            .build();
  }

  @AfterEach
  void stop() {
    try {
      client.close();
      registryServer.close();
      tokenServer.close();
      canary.assertLogClean();
    } finally {
      canary.close();
    }
  }

  private ImageReference ref() {
    return ImageReference.parse(host + "/app:v1");
  }

  /** An error body that quotes everything the client sent. */
  private static String echo(RecordedRequest r) {
    String auth = String.valueOf(r.getHeaders().get("Authorization"));
    return "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"you sent "
        + auth
        + " which is "
        + SECRET
        + "\",\"detail\":{\"password\":\""
        + SECRET
        + "\",\"header\":\""
        + auth
        + "\"}}]}";
  }

  @Test
  void basicAuthSuccessAndRefusalsEchoingTheSecretStayClean() {
    registryServer.setDispatcher(
        new Dispatcher() {
          int n;

          @Override
          public synchronized MockResponse dispatch(RecordedRequest r) {
            if (!BASIC.equals(r.getHeaders().get("Authorization"))) {
              return new MockResponse.Builder()
                  .code(401)
                  .addHeader("WWW-Authenticate", "Basic realm=\"r\"")
                  .build();
            }
            n++;
            int code = n == 1 ? 200 : n == 2 ? 401 : n == 3 ? 403 : n == 4 ? 404 : 500;
            MockResponse.Builder b = new MockResponse.Builder().code(code);
            if (code == 200) {
              String m = FakeRegistry.ociManifest("s");
              return b.addHeader("Content-Type", MediaTypes.OCI_MANIFEST).body(m).build();
            }
            if (code == 401) {
              b.addHeader("WWW-Authenticate", "Basic realm=\"" + SECRET + "\"");
            }
            return b.body(code == 500 ? "<html>" + echo(r) + "</html>" : echo(r)).build();
          }
        });

    assertThat(client.manifest(ref())).isNotNull();
    for (int i = 0; i < 4; i++) {
      Throwable t = catchThrowable(() -> client.manifest(ref()));
      assertThat(t).isInstanceOf(RegistryException.class);
      SecretCanary.assertClean(t);
      ((RegistryException) t).errors().forEach(SecretCanary::assertClean);
    }
    SecretCanary.assertClean(client);
  }

  @Test
  void bearerExchangesAndTokenServiceErrorsEchoingTheSecretStayClean() {
    String realm = "http://127.0.0.1:" + tokenServer.getPort() + "/token";
    registryServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            String auth = r.getHeaders().get("Authorization");
            if (auth != null && auth.equals("Bearer tok-ok")) {
              return new MockResponse.Builder()
                  .code(200)
                  .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                  .addHeader("Docker-Content-Digest", Digest.sha256(new byte[] {1}).toString())
                  .addHeader("Content-Length", 1)
                  .build();
            }
            return new MockResponse.Builder()
                .code(401)
                .addHeader(
                    "WWW-Authenticate",
                    "Bearer realm=\"" + realm + "\",service=\"reg\",scope=\"repository:app:pull\"")
                .build();
          }
        });
    tokenServer.setDispatcher(
        new Dispatcher() {
          int n;

          @Override
          public synchronized MockResponse dispatch(RecordedRequest r) {
            n++;
            return switch (n) {
              case 1 ->
                  new MockResponse.Builder()
                      .code(200)
                      .body("{\"token\":\"tok-ok\",\"expires_in\":1}")
                      .build();
              case 2 -> new MockResponse.Builder().code(401).body(echo(r)).build();
              case 3 -> new MockResponse.Builder().code(403).body(echo(r)).build();
              case 4 ->
                  new MockResponse.Builder()
                      .code(200)
                      .body("{\"tok\":\"" + SECRET + "\",\"echo\":\"" + r.getHeaders() + "\"}")
                      .build();
              default ->
                  new MockResponse.Builder()
                      .code(200)
                      .body("not json " + SECRET + " " + r.getHeaders())
                      .build();
            };
          }
        });

    assertThat(client.head(ref())).isPresent();
    for (int i = 0; i < 4; i++) {
      RegistryClient fresh =
          RegistryClient.builder()
              .http(HttpSettings.defaults().withSleeper(d -> {}))
              .credentials(Credentials.basic(host, "x", SECRET))
              .build();
      try (fresh) {
        Throwable t = catchThrowable(() -> fresh.head(ref()));
        assertThat(t).isInstanceOf(RegistryException.class);
        SecretCanary.assertClean(t);
        ((RegistryException) t).errors().forEach(SecretCanary::assertClean);
      }
    }
  }

  /** Asserts that none of the values shows in the exception's message or error values. */
  private static void assertHidden(Throwable t, List<String> values) {
    assertThat(t).isInstanceOf(RegistryException.class);
    RegistryException e = (RegistryException) t;
    for (String v : values) {
      assertThat(e.getMessage()).doesNotContain(v);
      for (RegistryError err : e.errors()) {
        assertThat(err.toString()).doesNotContain(v);
        assertThat(err.message()).doesNotContain(v);
        assertThat(err.detailJson().orElse("")).doesNotContain(v);
      }
    }
  }

  @Test
  void bearerTokensIssuedByTheTokenServiceAreScrubbedWhenTheRegistryEchoesThem() {
    String realm = "http://127.0.0.1:" + tokenServer.getPort() + "/token";
    List<String> issued = new CopyOnWriteArrayList<>();
    AtomicReference<String> mode = new AtomicReference<>();
    tokenServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            String token = "eyJhbGciOiJSUzI1NiJ9.issued-bearer-" + issued.size() + "-xyzzy";
            issued.add(token);
            return new MockResponse.Builder()
                .code(200)
                .body("{\"token\":\"" + token + "\",\"expires_in\":300}")
                .build();
          }
        });
    String challenge = "Bearer realm=\"" + realm + "\",service=\"reg\"";
    registryServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            String auth = r.getHeaders().get("Authorization");
            if (auth == null) {
              return new MockResponse.Builder()
                  .code(401)
                  .addHeader("WWW-Authenticate", challenge)
                  .build();
            }
            String token = auth.substring("Bearer ".length());
            String json =
                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"token "
                    + token
                    + " lacks access\",\"detail\":{\"token\":\""
                    + token
                    + "\"}}]}";
            MockResponse.Builder b = new MockResponse.Builder();
            return switch (mode.get()) {
              case "403" -> b.code(403).body(json).build();
              case "html" -> b.code(500).body("<html>token " + token + "</html>").build();
              case "scope" ->
                  b.code(403)
                      .addHeader(
                          "WWW-Authenticate",
                          challenge + ",error=\"insufficient_scope\",scope=\"repository:app:push\"")
                      .body(json)
                      .build();
              default -> b.code(401).addHeader("WWW-Authenticate", challenge).body(json).build();
            };
          }
        });

    for (String m : List.of("403", "html", "scope", "401")) {
      mode.set(m);
      Throwable t = catchThrowable(() -> client.manifest(ref()));
      assertThat(issued).isNotEmpty();
      assertHidden(t, issued);
      assertThat(t.getMessage()).contains("REDACTED");
    }
    assertThat(catchThrowable(() -> client.manifest(ref())))
        .isInstanceOf(RegistryAuthenticationException.class);
  }

  /** A registry asking for Basic and answering every authorized request with {@code answer}. */
  private void basicRegistryAnswering(java.util.function.Supplier<MockResponse> answer) {
    registryServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            if (r.getHeaders().get("Authorization") == null) {
              return new MockResponse.Builder()
                  .code(401)
                  .addHeader("WWW-Authenticate", "Basic realm=\"r\"")
                  .build();
            }
            return answer.get();
          }
        });
  }

  @Test
  void aSecretLongerThanTheQuotedExcerptIsScrubbedBeforeTheMessageIsShortened() {
    // Fly macaroon tokens can be longer than the 512 characters of an error body that are quoted
    String longSecret = "fm2_" + "Q".repeat(700) + "SIGTAIL";
    List<String> parts = List.of(longSecret.substring(0, 40), "QQQQQQQQQQQQQQQQ", "SIGTAIL");
    AtomicReference<MockResponse> next = new AtomicReference<>();
    basicRegistryAnswering(next::get);
    try (RegistryClient c =
        RegistryClient.builder()
            .http(HttpSettings.defaults().withSleeper(d -> {}))
            .credentials(Credentials.basic(host, "x", longSecret))
            .build()) {
      next.set(
          new MockResponse.Builder()
              .code(403)
              .body(
                  "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"bad password "
                      + longSecret
                      + "\"}]}")
              .build());
      Throwable t = catchThrowable(() -> c.manifest(ref()));
      assertThat(t).isInstanceOf(RegistryDeniedException.class).hasMessageContaining("REDACTED");
      assertHidden(t, parts);

      next.set(
          new MockResponse.Builder()
              .code(500)
              .body("<html>bad password " + longSecret + "</html>")
              .build());
      t = catchThrowable(() -> c.manifest(ref()));
      assertThat(t).hasMessageContaining("REDACTED").hasMessageContaining("</html>");
      assertHidden(t, parts);
    }
  }

  @Test
  void aSecretStraddlingTheEndOfTheQuotedExcerptLeaksNoPrefix() {
    // the secret starts a few characters before the 512th character of the excerpt
    AtomicReference<MockResponse> next = new AtomicReference<>();
    basicRegistryAnswering(next::get);
    next.set(
        new MockResponse.Builder()
            .code(500)
            .body("<html>" + "a".repeat(494) + " " + SECRET + "</html>")
            .build());
    Throwable t = catchThrowable(() -> client.manifest(ref()));
    assertThat(t).hasMessageContaining("REDACTED");
    assertHidden(t, List.of("fm2_SECRET"));
    SecretCanary.assertClean(t);

    next.set(
        new MockResponse.Builder()
            .code(403)
            .body(
                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\""
                    + "a".repeat(500)
                    + SECRET
                    + "\"}]}")
            .build());
    t = catchThrowable(() -> client.manifest(ref()));
    assertThat(t).isInstanceOf(RegistryDeniedException.class).hasMessageContaining("REDACTED");
    assertHidden(t, List.of("fm2_SECRET"));
    SecretCanary.assertClean(t);
  }

  @Test
  void flyTokensCredentialsAndSettingsNeverPrintTheSecret(@TempDir Path dir) throws Exception {
    FlyToken token = FlyToken.parse("FlyV1 " + SECRET + ",fm1r_other-part-xyz");
    SecretCanary.assertClean(token);
    SecretCanary.assertClean(token.toString());
    SecretCanary.assertClean(RegistryCredential.basic("x", SECRET, "test"));
    SecretCanary.assertClean(Credentials.basic("x", SECRET));
    SecretCanary.assertClean(Credentials.fly(token));
    SecretCanary.assertClean(HttpSettings.defaults());

    DockerConfig config = DockerConfig.at(dir);
    config.login("registry.fly.io", token);
    RegistryCredential read = config.lookup("registry.fly.io").orElseThrow();
    assertThat(read.password()).contains(token.registryPassword());
    SecretCanary.assertClean(read);
    SecretCanary.assertClean(config);
  }

  @Test
  void malformedConfigFilesHoldingTheSecretGiveCleanErrors(@TempDir Path dir) throws Exception {
    String b64 =
        Base64.getEncoder().encodeToString(("x:" + SECRET).getBytes(StandardCharsets.UTF_8));
    String[] files = {
      "{\"auths\":{\"registry.fly.io\":{\"auth\":\"" + b64 + "\"}},,}",
      "{\"auths\":{\"registry.fly.io\":{\"auth\":\"" + SECRET + "\"}}}",
      "{\"auths\":{\"registry.fly.io\":{\"auth\":\"" + b64 + "\"}}} trailing " + SECRET,
      "{\"auths\":[\"" + SECRET + "\"]}",
      "{\"auths\":{\"registry.fly.io\":{\"auth\":5,\"password\":\"" + SECRET + "\"}}}",
      "{\"credHelpers\":{\"registry.fly.io\":[\"" + SECRET + "\"]}}",
      "\"" + SECRET + "\"",
    };
    for (String content : files) {
      Files.writeString(dir.resolve("config.json"), content);
      Throwable t = catchThrowable(() -> DockerConfig.at(dir).lookup("registry.fly.io"));
      if (t != null) {
        assertThat(t).isInstanceOf(DockerConfigException.class);
        SecretCanary.assertClean(t);
      }
      Throwable w = catchThrowable(() -> DockerConfig.at(dir).login("ghcr.io", "u", "p"));
      if (w != null) {
        SecretCanary.assertClean(w);
      }
    }
  }
}
