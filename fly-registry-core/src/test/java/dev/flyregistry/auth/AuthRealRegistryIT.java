package dev.flyregistry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.InsufficientScopeException;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.RegistryAuthenticationException;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.registry.RegistryException;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.ManifestKind;
import dev.flyregistry.testing.PushedImages;
import dev.flyregistry.testing.Skopeo;
import dev.flyregistry.testing.TokenIssuer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 against the real distribution registry (2.8.2): the token service mode with {@link
 * TokenIssuer}, and the Basic mode with the Fly-style {@code x} account read through a {@code
 * config.json} that {@link DockerConfig#login} wrote.
 */
class AuthRealRegistryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path tmp;

  private static LocalRegistry.TokenAuth tokenAuth(TokenIssuer issuer) {
    return new LocalRegistry.TokenAuth(
        issuer.realm(), issuer.service(), issuer.issuer(), issuer.certificatePem());
  }

  /** Pushes the test images to {@code app-1} as the user allowed to push. */
  private PushedImages pushApp1(LocalRegistry registry, Skopeo skopeo) {
    return PushedImages.push(
        registry, skopeo, Skopeo.basic(LocalRegistry.USER, LocalRegistry.PASSWORD), tmp, "app-1");
  }

  @Test
  void tokenModePullOnlyUserReadsWithPull() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start();
        LocalRegistry registry = LocalRegistry.startToken(tokenAuth(issuer))) {
      Skopeo skopeo = Skopeo.create();
      PushedImages images = pushApp1(registry, skopeo);
      Map<ManifestKind, byte[]> raw = new EnumMap<>(ManifestKind.class);
      for (ManifestKind kind : ManifestKind.values()) {
        raw.put(kind, skopeo.inspectRaw(images.ref(kind), Skopeo.basic("reader", "readerpass")));
      }
      int firstSdkRequest = issuer.requests().size();
      try (RegistryClient client =
          RegistryClient.builder()
              .credentials(Credentials.basic(registry.host(), "reader", "readerpass"))
              .build()) {
        for (ManifestKind kind : ManifestKind.values()) {
          ImageReference ref = ImageReference.parse(images.ref(kind));
          Descriptor d = client.head(ref).orElseThrow();
          Manifest m = client.manifest(ref);
          assertThat(m.bytes()).as(kind.name()).isEqualTo(raw.get(kind));
          assertThat(d.digest()).isEqualTo(m.digest());
        }
        assertThat(client.head(ImageReference.parse(registry.ref("app-1:missing")))).isEmpty();
        assertThat(client.head(ImageReference.parse(registry.ref("no-such-repo:v1")))).isEmpty();
      }
      // the SDK asked the issuer as reader, once per repository scope, and reused the tokens
      List<TokenIssuer.TokenRequest> sdk =
          issuer.requests().subList(firstSdkRequest, issuer.requests().size());
      assertThat(sdk).allSatisfy(r -> assertThat(r.user()).isEqualTo("reader"));
      assertThat(sdk).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
      assertThat(sdk.stream().filter(r -> r.scopes().contains("repository:app-1:pull"))).hasSize(1);
      assertThat(sdk.stream().filter(r -> r.scopes().contains("repository:no-such-repo:pull")))
          .hasSize(1);
    }
  }

  @Test
  void tokenModePushIsRefusedForThePullOnlyUser() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start();
        LocalRegistry registry = LocalRegistry.startToken(tokenAuth(issuer))) {
      Skopeo skopeo = Skopeo.create();
      PushedImages images = pushApp1(registry, skopeo);
      byte[] manifest =
          skopeo.inspectRaw(
              images.ref(ManifestKind.OCI_MANIFEST), Skopeo.basic("reader", "readerpass"));
      // Through the SDK: tagging (a manifest PUT) as the pull-only user is a typed refusal naming
      // the
      // missing scope, and nothing is written.
      ImageReference source = ImageReference.parse(images.ref(ManifestKind.OCI_MANIFEST));
      try (RegistryClient reader =
          RegistryClient.builder()
              .credentials(Credentials.basic(registry.host(), "reader", "readerpass"))
              .build()) {
        assertThatThrownBy(() -> reader.tag(source, "sdk-refused"))
            .isInstanceOfSatisfying(
                InsufficientScopeException.class,
                e -> assertThat(e.missingScope()).contains("repository:app-1").contains("push"))
            .hasMessageNotContaining("readerpass");
        assertThatThrownBy(
                () ->
                    reader.push(
                        ImageSource.ociLayout(images.layout().dir(), PushedImages.IMAGE_TAG),
                        ImageReference.parse(registry.ref("app-1:sdk-pushed"))))
            .isInstanceOf(InsufficientScopeException.class);
        assertThat(reader.head(source.withTag("sdk-refused"))).isEmpty();
        assertThat(reader.head(ImageReference.parse(registry.ref("app-1:sdk-pushed")))).isEmpty();
      }
      try (RegistryClient pusher =
          RegistryClient.builder()
              .credentials(
                  Credentials.basic(registry.host(), LocalRegistry.USER, LocalRegistry.PASSWORD))
              .build()) {
        pusher.tag(source, "sdk-allowed");
        assertThat(pusher.head(source.withTag("sdk-allowed"))).isPresent();
      }
      // At the HTTP level: the token the issuer grants the reader holds pull only, and the registry
      // answers the PUT with insufficient_scope.
      String token = token(issuer, "reader", "readerpass", "repository:app-1:pull,push");
      JsonNode claims = claims(token);
      assertThat(claims.get("access").get(0).get("actions").toString()).isEqualTo("[\"pull\"]");
      HttpResponse<String> put = putCopied(registry, token, manifest);
      assertThat(put.statusCode()).isEqualTo(401);
      assertThat(put.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"insufficient_scope\"")
          // distribution lists the actions in either order
          .containsPattern("repository:app-1:(pull,push|push,pull)");
      // a user allowed to push gets through with the same request
      String pusher = token(issuer, "testuser", "testpassword", "repository:app-1:pull,push");
      HttpResponse<String> ok = putCopied(registry, pusher, manifest);
      assertThat(ok.statusCode()).isEqualTo(201);
    }
  }

  /** PUTs {@code manifest} as {@code app-1:copied} with the Bearer {@code token}. */
  private HttpResponse<String> putCopied(LocalRegistry registry, String token, byte[] manifest)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(registry.baseUri().resolve("/v2/app-1/manifests/copied"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tokenModeIdentityTokenFromConfigJsonUsesTheRefreshFlow() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start();
        LocalRegistry registry = LocalRegistry.startToken(tokenAuth(issuer))) {
      PushedImages images = pushApp1(registry, Skopeo.create());
      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(URI.create(issuer.realm()))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=password&username=reader&password=readerpass"
                              + "&access_type=offline&client_id=it&service="
                              + URLEncoder.encode(issuer.service(), StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String refresh = JSON.readTree(login.body()).get("refresh_token").asText();
      Path dockerDir = Files.createDirectories(tmp.resolve("docker"));
      Files.writeString(
          dockerDir.resolve("config.json"),
          "{\"auths\":{\""
              + registry.host()
              + "\":{\"auth\":\""
              + Base64.getEncoder().encodeToString("reader:".getBytes(StandardCharsets.UTF_8))
              + "\",\"identitytoken\":\""
              + refresh
              + "\"}}}");
      int first = issuer.requests().size();
      try (RegistryClient client =
          RegistryClient.builder()
              .credentials(Credentials.dockerConfig(DockerConfig.at(dockerDir)))
              .build()) {
        assertThat(client.head(ImageReference.parse(images.ref(ManifestKind.OCI_MANIFEST))))
            .isPresent();
      }
      List<TokenIssuer.TokenRequest> sdk =
          issuer.requests().subList(first, issuer.requests().size());
      assertThat(sdk)
          .anySatisfy(
              r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.grantType()).isEqualTo("refresh_token");
                assertThat(r.user()).isEqualTo("reader");
                assertThat(r.status()).isEqualTo(200);
              });
    }
  }

  @Test
  void tokenModeAnonymousWithoutPullGetsATypedError() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.builder().anonymousActions(Set.of()).start();
        LocalRegistry registry = LocalRegistry.startToken(tokenAuth(issuer))) {
      try (RegistryClient client =
          RegistryClient.builder().credentials(Credentials.anonymous()).build()) {
        assertThatThrownBy(() -> client.head(ImageReference.parse(registry.ref("app-1:v1"))))
            .isInstanceOfSatisfying(
                InsufficientScopeException.class,
                e -> assertThat(e.missingScope()).contains("repository:app-1:pull"));
      }
    }
  }

  @Test
  void tokenModeWrongPasswordNamesTheCredentialSource() throws Exception {
    try (TokenIssuer issuer = TokenIssuer.start();
        LocalRegistry registry = LocalRegistry.startToken(tokenAuth(issuer))) {
      DockerConfig docker = DockerConfig.at(tmp.resolve("docker"));
      docker.login(registry.host(), "reader", "not-the-password");
      try (RegistryClient client =
          RegistryClient.builder().credentials(Credentials.defaultChain(null, docker)).build()) {
        assertThatThrownBy(() -> client.head(ImageReference.parse(registry.ref("app-1:v1"))))
            .isInstanceOf(RegistryException.class)
            .hasMessageContaining(docker.file().toString())
            .hasMessageNotContaining("not-the-password");
      }
    }
  }

  @Test
  void basicModeFlyLoginIsReadByTheSdkAndBySkopeo() throws Exception {
    try (LocalRegistry registry = LocalRegistry.startHtpasswd()) {
      Skopeo skopeo = Skopeo.create();
      PushedImages images = pushApp1(registry, skopeo);
      Path dockerDir = tmp.resolve("docker");
      Files.createDirectories(dockerDir);
      Files.writeString(
          dockerDir.resolve("config.json"),
          "{\"auths\":{\"ghcr.io\":{\"auth\":\"Z2g6dG9r\"}},\"psFormat\":\"table\"}");
      DockerConfig docker = DockerConfig.at(dockerDir);
      docker.login(registry.host(), FlyToken.parse("FlyV1 " + LocalRegistry.FLY_PASSWORD));

      JsonNode written = JSON.readTree(Files.readAllBytes(docker.file()));
      assertThat(written.get("psFormat").asText()).isEqualTo("table");
      assertThat(written.get("auths").has("ghcr.io")).isTrue();
      String auth = written.get("auths").get(registry.host()).get("auth").asText();
      assertThat(new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8))
          .isEqualTo(LocalRegistry.FLY_USER + ":" + LocalRegistry.FLY_PASSWORD);

      ImageReference ref = ImageReference.parse(images.ref(ManifestKind.DOCKER_MANIFEST));
      byte[] sdkBytes;
      try (RegistryClient client =
          RegistryClient.builder().credentials(Credentials.defaultChain(null, docker)).build()) {
        assertThat(client.head(ref)).isPresent();
        sdkBytes = client.manifest(ref).bytes();
      }
      byte[] skopeoBytes =
          skopeo.inspectRaw(
              images.ref(ManifestKind.DOCKER_MANIFEST), Skopeo.authFile(docker.file()));
      assertThat(skopeoBytes).isEqualTo(sdkBytes);
    }
  }

  @Test
  void basicModeWithoutConfigIsRefusedWithATypedError() throws Exception {
    try (LocalRegistry registry = LocalRegistry.startHtpasswd();
        RegistryClient client =
            RegistryClient.builder()
                .credentials(Credentials.dockerConfig(DockerConfig.at(tmp.resolve("empty"))))
                .build()) {
      assertThatThrownBy(() -> client.head(ImageReference.parse(registry.ref("app-1:v1"))))
          .isInstanceOf(RegistryAuthenticationException.class);
    }
  }

  private String token(TokenIssuer issuer, String user, String password, String scope)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        issuer.realm()
                            + "?service="
                            + URLEncoder.encode(issuer.service(), StandardCharsets.UTF_8)
                            + "&scope="
                            + URLEncoder.encode(scope, StandardCharsets.UTF_8)))
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body()).get("token").asText();
  }

  private static JsonNode claims(String jwt) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }
}
