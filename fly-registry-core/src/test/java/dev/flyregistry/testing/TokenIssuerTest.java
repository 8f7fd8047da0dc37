package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TokenIssuer issuer;

  @BeforeAll
  static void start() {
    issuer = TokenIssuer.start();
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private static HttpResponse<String> get(String query, String user, String password)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(issuer.realm() + "?" + query));
    if (user != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String form) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(issuer.realm()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static JsonNode part(String jwt, int i) throws IOException {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[i]));
  }

  private static JsonNode claims(HttpResponse<String> r) throws IOException {
    return part(JSON.readTree(r.body()).get("token").asText(), 1);
  }

  private static List<String> actions(JsonNode claims, int i) {
    return JSON.convertValue(
        claims.get("access").get(i).get("actions"),
        JSON.getTypeFactory().constructCollectionType(List.class, String.class));
  }

  private static X509Certificate certFromPem() throws Exception {
    try (InputStream in = Files.newInputStream(issuer.certificatePem())) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void tokenIsAnRs256JwtWithKidAndX5cThatVerifiesWithTheCertificate() throws Exception {
    HttpResponse<String> r =
        get(
            "service=" + q(issuer.service()) + "&scope=" + q("repository:app-1:pull,push"),
            "testuser",
            "testpassword");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    String token = body.get("token").asText();
    assertThat(body.get("access_token").asText()).isEqualTo(token);
    assertThat(body.get("expires_in").asInt()).isEqualTo(300);
    assertThat(Instant.parse(body.get("issued_at").asText()))
        .isBefore(Instant.now().plusSeconds(1));

    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    JsonNode header = part(token, 0);
    assertThat(header.get("typ").asText()).isEqualTo("JWT");
    assertThat(header.get("alg").asText()).isEqualTo("RS256");

    X509Certificate cert = certFromPem();
    assertThat(header.get("x5c").get(0).asText())
        .isEqualTo(Base64.getEncoder().encodeToString(cert.getEncoded()));
    assertThat(header.get("kid").asText())
        .matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}")
        .isEqualTo(independentKid(cert.getPublicKey().getEncoded()));

    Signature verify = Signature.getInstance("SHA256withRSA");
    verify.initVerify(cert.getPublicKey());
    verify.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verify.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

    // a tampered payload does not verify
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("\"pull\"", "\"delete\"")
                    .getBytes(StandardCharsets.UTF_8));
    verify.initVerify(cert.getPublicKey());
    verify.update((parts[0] + "." + forged).getBytes(StandardCharsets.US_ASCII));
    assertThat(verify.verify(Base64.getUrlDecoder().decode(parts[2]))).isFalse();

    JsonNode c = part(token, 1);
    assertThat(c.get("iss").asText()).isEqualTo(issuer.issuer());
    assertThat(c.get("aud").asText()).isEqualTo(issuer.service());
    assertThat(c.get("sub").asText()).isEqualTo("testuser");
    long iat = c.get("iat").asLong();
    assertThat(c.get("exp").asLong()).isEqualTo(iat + 300);
    assertThat(c.get("nbf").asLong()).isLessThanOrEqualTo(iat);
    assertThat(c.get("jti").asText()).isNotBlank();
    assertThat(c.get("access").get(0).get("type").asText()).isEqualTo("repository");
    assertThat(c.get("access").get(0).get("name").asText()).isEqualTo("app-1");
    assertThat(actions(c, 0)).containsExactly("pull", "push");
  }

  /** base32 of the first 240 bits of sha256(SPKI), computed another way (BigInteger digits). */
  private static String independentKid(byte[] spki) throws Exception {
    byte[] first30 = java.util.Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(spki), 30);
    String digits = new BigInteger(1, first30).toString(32);
    digits = "0".repeat(48 - digits.length()) + digits;
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 48; i++) {
      if (i > 0 && i % 4 == 0) {
        s.append(':');
      }
      s.append(alphabet.charAt(Character.digit(digits.charAt(i), 32)));
    }
    return s.toString();
  }

  @Test
  void mintedTokensCarryTheChosenKeyFields() throws Exception {
    List<TokenIssuer.Access> pull =
        List.of(new TokenIssuer.Access("repository", "app-1", List.of("pull")));
    X509Certificate cert = certFromPem();

    JsonNode both = part(issuer.mint("testuser", pull, Duration.ofMinutes(1)), 0);
    assertThat(both.get("kid").asText())
        .isEqualTo(independentKid(cert.getPublicKey().getEncoded()));
    assertThat(both.get("x5c").get(0).asText())
        .isEqualTo(Base64.getEncoder().encodeToString(cert.getEncoded()));

    String kidOnly =
        issuer.mint("testuser", pull, Duration.ofMinutes(1), TokenIssuer.KeyHeader.KID);
    JsonNode header = part(kidOnly, 0);
    assertThat(header.get("kid").asText()).isEqualTo(both.get("kid").asText());
    assertThat(header.has("x5c")).isFalse();
    String[] parts = kidOnly.split("\\.");
    Signature verify = Signature.getInstance("SHA256withRSA");
    verify.initVerify(cert.getPublicKey());
    verify.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verify.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    assertThat(part(kidOnly, 1).get("access").get(0).get("name").asText()).isEqualTo("app-1");
  }

  @Test
  void everyTokenHasItsOwnJti() throws Exception {
    String a = claims(get("service=s&scope=repository:a:pull", null, null)).get("jti").asText();
    String b = claims(get("service=s&scope=repository:a:pull", null, null)).get("jti").asText();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void readerGetsPullOnly() throws Exception {
    JsonNode c =
        claims(
            get(
                "service=s&scope=" + q("repository:app-1:pull,push,delete"),
                "reader",
                "readerpass"));
    assertThat(c.get("sub").asText()).isEqualTo("reader");
    assertThat(actions(c, 0)).containsExactly("pull");
  }

  @Test
  void anonymousGetsPullOnly() throws Exception {
    JsonNode c = claims(get("service=s&scope=" + q("repository:app-1:push,pull"), null, null));
    assertThat(c.get("sub").asText()).isEmpty();
    assertThat(actions(c, 0)).containsExactly("pull");
  }

  @Test
  void anonymousAccessIsConfigurable() throws Exception {
    try (TokenIssuer none = TokenIssuer.builder().anonymousActions(Set.of()).start()) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(none.realm() + "?service=s&scope=repository:app-1:pull"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(actions(claims(r), 0)).isEmpty();
    }
  }

  @Test
  void flyStyleUserXGetsEverything() throws Exception {
    JsonNode c =
        claims(
            get("service=s&scope=" + q("repository:app-1:pull,push"), "x", issuer.flyPassword()));
    assertThat(issuer.flyPassword()).startsWith("fm2_");
    assertThat(actions(c, 0)).containsExactly("pull", "push");
  }

  @Test
  void wrongPasswordIs401WithABasicChallenge() throws Exception {
    HttpResponse<String> r = get("service=s&scope=repository:a:pull", "testuser", "nope");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
    assertThat(get("service=s", "nosuchuser", "x").statusCode()).isEqualTo(401);
  }

  @Test
  void repeatedAndSpaceSeparatedScopesWithPortsInNames() throws Exception {
    JsonNode c =
        claims(
            get(
                "service=s&scope="
                    + q("repository:127.0.0.1:5000/app-2:push,pull repository:app-1:pull")
                    + "&scope="
                    + q("registry:catalog:*"),
                "testuser",
                "testpassword"));
    JsonNode access = c.get("access");
    assertThat(access).hasSize(3);
    assertThat(access.get(0).get("name").asText()).isEqualTo("127.0.0.1:5000/app-2");
    assertThat(actions(c, 0)).containsExactly("push", "pull");
    assertThat(access.get(1).get("name").asText()).isEqualTo("app-1");
    assertThat(access.get(2).get("type").asText()).isEqualTo("registry");
    assertThat(actions(c, 2)).containsExactly("*");
  }

  @Test
  void noScopeGivesEmptyAccess() throws Exception {
    JsonNode c = claims(get("service=s", "testuser", "testpassword"));
    assertThat(c.get("access")).isEmpty();
  }

  @Test
  void postPasswordGrantWithRefreshTokenAndRefreshGrant() throws Exception {
    HttpResponse<String> r =
        post(
            "grant_type=password&username=reader&password=readerpass&service=s&client_id=t"
                + "&access_type=offline&scope="
                + q("repository:app-1:pull,push"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    String refresh = body.get("refresh_token").asText();
    assertThat(refresh).isNotBlank();
    assertThat(actions(part(body.get("access_token").asText(), 1), 0)).containsExactly("pull");

    HttpResponse<String> again =
        post(
            "grant_type=refresh_token&refresh_token="
                + q(refresh)
                + "&service=s&scope="
                + q("repository:app-2:pull"));
    assertThat(again.statusCode()).isEqualTo(200);
    JsonNode c = claims(again);
    assertThat(c.get("sub").asText()).isEqualTo("reader");
    assertThat(c.get("access").get(0).get("name").asText()).isEqualTo("app-2");
  }

  @Test
  void postWithoutOfflineGetsNoRefreshToken() throws Exception {
    JsonNode body =
        JSON.readTree(
            post("grant_type=password&username=testuser&password=testpassword&service=s").body());
    assertThat(body.has("refresh_token")).isFalse();
    assertThat(body.has("token")).isTrue();
  }

  @Test
  void postRefusals() throws Exception {
    assertThat(post("grant_type=refresh_token&refresh_token=unknown&service=s").statusCode())
        .isEqualTo(401);
    assertThat(post("grant_type=password&username=testuser&password=bad&service=s").statusCode())
        .isEqualTo(401);
    assertThat(post("grant_type=client_credentials&service=s").statusCode()).isEqualTo(400);
  }

  @Test
  void countsAndRecordsRequests() throws Exception {
    try (TokenIssuer own = TokenIssuer.start()) {
      assertThat(own.requestCount()).isZero();
      for (int i = 0; i < 3; i++) {
        HTTP.send(
            HttpRequest.newBuilder(URI.create(own.realm() + "?service=s&scope=repository:a:pull"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }
      HTTP.send(
          HttpRequest.newBuilder(URI.create(own.realm().replace("/token", "/other"))).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(own.requestCount()).isEqualTo(4);
      assertThat(own.requests()).hasSize(3);
      assertThat(own.requests().get(0).scopes()).containsExactly("repository:a:pull");
      assertThat(own.requests().get(0).method()).isEqualTo("GET");
      assertThat(own.requests().get(0).status()).isEqualTo(200);
    }
  }

  @Test
  void ttlIsConfigurableAndMayBeNegative() throws Exception {
    try (TokenIssuer expired = TokenIssuer.builder().ttl(Duration.ofSeconds(-60)).start()) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(expired.realm() + "?service=s")).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode c = claims(r);
      assertThat(c.get("exp").asLong()).isEqualTo(c.get("iat").asLong() - 60);
      assertThat(JSON.readTree(r.body()).get("expires_in").asInt()).isEqualTo(-60);
    }
  }

  @Test
  void realmIsLoopbackWithAnEphemeralPort() {
    assertThat(issuer.realm()).startsWith("http://127.0.0.1:").endsWith("/token");
    assertThat(issuer.port()).isPositive();
    assertThat(issuer.certificatePem()).exists();
  }

  @Test
  void grantingRules() {
    assertThat(TokenIssuer.grant(List.of("repository:a:pull,push,pull"), null))
        .containsExactly(new TokenIssuer.Access("repository", "a", List.of("pull", "push")));
    assertThat(TokenIssuer.grant(List.of("repository:a:push"), Set.of("pull")))
        .containsExactly(new TokenIssuer.Access("repository", "a", List.of()));
    assertThat(TokenIssuer.grant(List.of("nonsense", "repository:b"), null)).isEmpty();
  }
}
