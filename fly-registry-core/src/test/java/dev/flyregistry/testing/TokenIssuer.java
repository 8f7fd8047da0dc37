package dev.flyregistry.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Docker registry token service for tests, in the format the CNCF distribution registry (2.8.x)
 * verifies: RS256 JWTs whose header carries the libtrust key id ({@code kid}) and the signing
 * certificate ({@code x5c}), with claims {@code iss, sub, aud, exp, nbf, iat, jti, access}.
 *
 * <p>Listens on 127.0.0.1 on an ephemeral port:
 *
 * <ul>
 *   <li>{@code GET /token?service=S&scope=repository:NAME:pull,push[&scope=...]}, optionally with
 *       Basic credentials;
 *   <li>{@code POST /token} (OAuth2 form): {@code grant_type=password} with {@code username},
 *       {@code password} (and {@code access_type=offline} for a refresh token), or {@code
 *       grant_type=refresh_token} with {@code refresh_token}.
 * </ul>
 *
 * <p>Users: {@code testuser}/{@code testpassword} and {@code x}/{@link #flyPassword()} get every
 * action they ask for, {@code reader}/{@code readerpass} gets {@code pull} only, anonymous callers
 * get {@link Builder#anonymousActions(Set)} (default {@code pull}). Wrong credentials give 401.
 *
 * <p>The RSA key and self-signed certificate are made once per JVM with the JDK's {@code keytool}
 * ({@code -keyalg RSA -keysize 2048 -storetype PKCS12}); {@link #certificatePem()} is the file to
 * give the registry as {@code auth.token.rootcertbundle}.
 */
public final class TokenIssuer implements AutoCloseable {
  /** The default {@code service} (the registry's {@code auth.token.service}). */
  public static final String DEFAULT_SERVICE = "test-registry";

  /** The default {@code iss} claim (the registry's {@code auth.token.issuer}). */
  public static final String DEFAULT_ISSUER = "test-token-issuer";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /**
   * Which key fields a token's JOSE header carries. The token service always sends both;
   * distribution 2.8.2 accepts either. With {@code x5c} it parses the certificate and verifies its
   * chain to the root bundle on every request; with {@code kid} alone it finds the key among the
   * bundle's by its libtrust id.
   */
  public enum KeyHeader {
    /** {@code kid} and {@code x5c} (the certificate): what the token service serves. */
    KID_AND_X5C,
    /** {@code kid} only. */
    KID
  }

  /** One access entry of a token: {@code {"type", "name", "actions"}}. */
  public record Access(String type, String name, List<String> actions) {
    /** Copies the actions. */
    public Access {
      actions = List.copyOf(actions);
    }
  }

  /**
   * One request the issuer answered.
   *
   * @param method GET or POST
   * @param user the authenticated user, empty for anonymous, the name tried when refused
   * @param grantType the POST grant type, empty for GET
   * @param scopes the requested scope parameters, as sent
   * @param status the HTTP status answered
   */
  public record TokenRequest(
      String method, String user, String grantType, List<String> scopes, int status) {
    /** Copies the scopes. */
    public TokenRequest {
      scopes = List.copyOf(scopes);
    }
  }

  private record User(String password, Set<String> actions) {} // actions null = everything

  private record KeyMaterial(PrivateKey key, X509Certificate certificate, String keyId) {}

  private static volatile KeyMaterial keyMaterial;

  static {
    // TCP_NODELAY on the JDK HTTP server's connections: without it each token answer (headers, then
    // body) waited ~40 ms for the client's delayed acknowledgement. Read once per JVM; an explicit
    // setting is kept.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path dir;
  private final Path certificatePem;
  private final KeyMaterial keys;
  private final String service;
  private final String issuer;
  private final Duration ttl;
  private final Set<String> anonymousActions;
  private final Map<String, User> users;
  private final String flyPassword;
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();

  private TokenIssuer(Builder b) throws IOException {
    this.keys = keyMaterial();
    this.service = b.service;
    this.issuer = b.issuer;
    this.ttl = b.ttl;
    this.anonymousActions = Set.copyOf(b.anonymousActions);
    this.flyPassword = b.flyPassword;
    Map<String, User> u = new LinkedHashMap<>();
    u.put("testuser", new User("testpassword", null));
    u.put("reader", new User("readerpass", Set.of("pull")));
    u.put("x", new User(flyPassword, null));
    u.putAll(b.users);
    this.users = Collections.unmodifiableMap(u);
    this.dir = Files.createTempDirectory("token-issuer");
    this.certificatePem = dir.resolve("token.crt");
    Files.writeString(certificatePem, pem(keys.certificate));
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "token-issuer");
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * @return a builder for an issuer with non-default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts an issuer with the defaults ({@link #DEFAULT_SERVICE}, {@link #DEFAULT_ISSUER}, TTL 300
   * s, anonymous pull).
   *
   * @return the running issuer
   */
  public static TokenIssuer start() {
    return builder().start();
  }

  /**
   * @return the token endpoint, {@code http://127.0.0.1:PORT/token}
   */
  public String realm() {
    return "http://127.0.0.1:" + port() + "/token";
  }

  /**
   * @return the port the issuer listens on
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * @return the {@code aud} claim and expected {@code service} (the registry's {@code service})
   */
  public String service() {
    return service;
  }

  /**
   * @return the {@code iss} claim (the registry's {@code issuer})
   */
  public String issuer() {
    return issuer;
  }

  /**
   * @return the PEM file of the signing certificate (the registry's {@code rootcertbundle})
   */
  public Path certificatePem() {
    return certificatePem;
  }

  /**
   * @return the signing certificate
   */
  public X509Certificate certificate() {
    return keys.certificate;
  }

  /**
   * @return the libtrust key id in every token header
   */
  public String keyId() {
    return keys.keyId;
  }

  /**
   * @return the password of the Fly-style user {@code x}
   */
  public String flyPassword() {
    return flyPassword;
  }

  /**
   * @return how many requests reached the issuer (any path, any outcome)
   */
  public int requestCount() {
    return requestCount.get();
  }

  /**
   * @return the token requests answered so far, oldest first
   */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * Mints a token directly, without HTTP (for tests that need a token of a given shape).
   *
   * @param subject the {@code sub} claim
   * @param access the {@code access} claim
   * @param ttl lifetime (negative: already expired)
   * @return the compact JWT
   */
  public String mint(String subject, List<Access> access, Duration ttl) {
    return mint(subject, access, ttl, KeyHeader.KID_AND_X5C);
  }

  /**
   * Mints a token directly, with the given key fields in its header.
   *
   * @param subject the {@code sub} claim
   * @param access the {@code access} claim
   * @param ttl lifetime (negative: already expired)
   * @param keyHeader which key fields the header carries
   * @return the compact JWT
   */
  public String mint(String subject, List<Access> access, Duration ttl, KeyHeader keyHeader) {
    Objects.requireNonNull(keyHeader, "keyHeader");
    return jwt(subject, access, Instant.now().truncatedTo(ChronoUnit.SECONDS), ttl, keyHeader);
  }

  /** Stops the server and deletes the temporary directory. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    deleteTree(dir);
  }

  // ---- HTTP ----

  private void handle(HttpExchange ex) throws IOException {
    requestCount.incrementAndGet();
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!"/token".equals(path)) {
        reply(ex, 404, Map.of("error", "not found"));
        return;
      }
      switch (ex.getRequestMethod()) {
        case "GET" -> handleGet(ex);
        case "POST" -> handlePost(ex);
        default -> {
          ex.getResponseHeaders().set("Allow", "GET, POST");
          reply(ex, 405, Map.of("error", "method not allowed"));
        }
      }
    } catch (RuntimeException e) {
      reply(ex, 500, Map.of("error", String.valueOf(e)));
    }
  }

  private void handleGet(HttpExchange ex) throws IOException {
    Map<String, List<String>> q = parseForm(ex.getRequestURI().getRawQuery());
    List<String> scopes = q.getOrDefault("scope", List.of());
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String user = "";
    if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
      int colon = decoded.indexOf(':');
      user = colon < 0 ? decoded : decoded.substring(0, colon);
      String password = colon < 0 ? "" : decoded.substring(colon + 1);
      if (!check(user, password)) {
        deny(ex, "GET", user, "", scopes);
        return;
      }
    }
    Map<String, Object> body = tokenResponse(user, scopes);
    note("GET", user, "", scopes, 200);
    reply(ex, 200, body);
  }

  private void handlePost(HttpExchange ex) throws IOException {
    byte[] raw;
    try (InputStream in = ex.getRequestBody()) {
      raw = in.readNBytes(1 << 16);
    }
    Map<String, List<String>> f = parseForm(new String(raw, StandardCharsets.UTF_8));
    List<String> scopes = f.getOrDefault("scope", List.of());
    String grant = first(f, "grant_type");
    String user;
    switch (grant) {
      case "password" -> {
        user = first(f, "username");
        if (!check(user, first(f, "password"))) {
          deny(ex, "POST", user, grant, scopes);
          return;
        }
      }
      case "refresh_token" -> {
        user = refreshTokens.get(first(f, "refresh_token"));
        if (user == null) {
          deny(ex, "POST", "", grant, scopes);
          return;
        }
      }
      default -> {
        note("POST", "", grant, scopes, 400);
        reply(ex, 400, Map.of("error", "unsupported_grant_type"));
        return;
      }
    }
    Map<String, Object> body = tokenResponse(user, scopes);
    if ("offline".equals(first(f, "access_type")) || grant.equals("refresh_token")) {
      String refresh = randomHex(16);
      refreshTokens.put(refresh, user);
      body.put("refresh_token", refresh);
    }
    note("POST", user, grant, scopes, 200);
    reply(ex, 200, body);
  }

  private boolean check(String user, String password) {
    User u = users.get(user);
    return u != null && u.password.equals(password);
  }

  private void deny(HttpExchange ex, String method, String user, String grant, List<String> scopes)
      throws IOException {
    note(method, user, grant, scopes, 401);
    ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + issuer + "\"");
    reply(
        ex,
        401,
        Map.of("errors", List.of(Map.of("code", "UNAUTHORIZED", "message", "bad credentials"))));
  }

  private void note(String method, String user, String grant, List<String> scopes, int status) {
    requests.add(new TokenRequest(method, user, grant, scopes, status));
  }

  private Map<String, Object> tokenResponse(String user, List<String> scopes) {
    Set<String> allowed = user.isEmpty() ? anonymousActions : users.get(user).actions;
    List<Access> access = grant(scopes, allowed);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String token = jwt(user, access, now, ttl, KeyHeader.KID_AND_X5C);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("access_token", token);
    body.put("expires_in", ttl.toSeconds());
    body.put("issued_at", now.toString());
    return body;
  }

  /**
   * The access a caller gets: each requested scope ({@code type:name:actions}, several per
   * parameter when space-separated; names may hold {@code :} as in {@code host:5000/app}), its
   * actions limited to {@code allowed} (null: everything asked for).
   */
  static List<Access> grant(List<String> scopeParams, Set<String> allowed) {
    List<Access> out = new ArrayList<>();
    for (String param : scopeParams) {
      for (String scope : param.split(" ")) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first <= 0 || last <= first) {
          continue; // not type:name:actions
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String a : scope.substring(last + 1).split(",")) {
          if (!a.isEmpty() && (allowed == null || allowed.contains(a))) {
            actions.add(a);
          }
        }
        out.add(
            new Access(
                scope.substring(0, first),
                scope.substring(first + 1, last),
                new ArrayList<>(actions)));
      }
    }
    return out;
  }

  private static void reply(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private static Map<String, List<String>> parseForm(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String first(Map<String, List<String>> form, String key) {
    List<String> v = form.get(key);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  // ---- JWT ----

  private String jwt(
      String subject, List<Access> access, Instant now, Duration lifetime, KeyHeader keyHeader) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "JWT");
    header.put("alg", "RS256");
    header.put("kid", keys.keyId);
    if (keyHeader == KeyHeader.KID_AND_X5C) {
      try {
        header.put(
            "x5c", List.of(Base64.getEncoder().encodeToString(keys.certificate.getEncoded())));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("aud", service);
    claims.put("exp", now.plus(lifetime).getEpochSecond());
    claims.put("nbf", now.minusSeconds(5).getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    claims.put("jti", randomHex(16));
    List<Map<String, Object>> acc = new ArrayList<>();
    for (Access a : access) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", a.type());
      m.put("name", a.name());
      m.put("actions", a.actions());
      acc.add(m);
    }
    claims.put("access", acc);
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String signingInput =
          b64.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + b64.encodeToString(JSON.writeValueAsBytes(claims));
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(keys.key);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(s.sign());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  /**
   * The libtrust key id the distribution registry derives from a public key: the first 240 bits of
   * the SHA-256 of the DER SubjectPublicKeyInfo, base32, in 12 groups of 4 joined by ':'.
   *
   * @param subjectPublicKeyInfo the DER-encoded public key ({@code PublicKey.getEncoded()})
   * @return the key id
   */
  public static String libtrustKeyId(byte[] subjectPublicKeyInfo) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    // 30 bytes = 240 bits = exactly 48 base32 characters, no padding
    StringBuilder b32 = new StringBuilder(48);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < 30; i++) {
      buffer = (buffer << 8) | (digest[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        b32.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    StringBuilder kid = new StringBuilder(59);
    for (int i = 0; i < 48; i += 4) {
      if (i > 0) {
        kid.append(':');
      }
      kid.append(b32, i, i + 4);
    }
    return kid.toString();
  }

  // ---- keys ----

  private static KeyMaterial keyMaterial() throws IOException {
    KeyMaterial k = keyMaterial;
    if (k == null) {
      synchronized (TokenIssuer.class) {
        k = keyMaterial;
        if (k == null) {
          k = generate();
          keyMaterial = k;
        }
      }
    }
    return k;
  }

  private static KeyMaterial generate() throws IOException {
    Path tmp = Files.createTempDirectory("token-issuer-key");
    try {
      Path store = tmp.resolve("issuer.p12");
      char[] pass = randomHex(16).toCharArray();
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process p =
          new ProcessBuilder(
                  keytool,
                  "-genkeypair",
                  "-alias",
                  "token",
                  "-keyalg",
                  "RSA",
                  "-keysize",
                  "2048",
                  "-sigalg",
                  "SHA256withRSA",
                  "-validity",
                  "3650",
                  "-dname",
                  "CN=" + DEFAULT_ISSUER,
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  store.toString(),
                  "-storepass",
                  new String(pass),
                  "-keypass",
                  new String(pass),
                  "-noprompt")
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(
            "keytool -genkeypair failed: " + new String(out, StandardCharsets.UTF_8));
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, pass);
      }
      PrivateKey key = (PrivateKey) ks.getKey("token", pass);
      X509Certificate cert = (X509Certificate) ks.getCertificate("token");
      return new KeyMaterial(key, cert, libtrustKeyId(cert.getPublicKey().getEncoded()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load the keytool key store", e);
    } finally {
      deleteTree(tmp);
    }
  }

  private static String pem(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  /** Settings for a {@link TokenIssuer}. */
  public static final class Builder {
    private String service = DEFAULT_SERVICE;
    private String issuer = DEFAULT_ISSUER;
    private Duration ttl = Duration.ofMinutes(5);
    private Set<String> anonymousActions = Set.of("pull");
    private String flyPassword = "fm2_" + randomHex(24);
    private final Map<String, User> users = new LinkedHashMap<>();

    private Builder() {}

    /**
     * @param service the {@code aud} claim (the registry's {@code auth.token.service})
     * @return this builder
     */
    public Builder service(String service) {
      this.service = Objects.requireNonNull(service);
      return this;
    }

    /**
     * @param issuer the {@code iss} claim (the registry's {@code auth.token.issuer})
     * @return this builder
     */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer);
      return this;
    }

    /**
     * @param ttl token lifetime, also {@code expires_in}; negative issues expired tokens
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl);
      return this;
    }

    /**
     * @param actions what anonymous callers get (empty: nothing)
     * @return this builder
     */
    public Builder anonymousActions(Set<String> actions) {
      this.anonymousActions = Set.copyOf(actions);
      return this;
    }

    /**
     * @param password the password of user {@code x} (a Fly-style token); random by default
     * @return this builder
     */
    public Builder flyPassword(String password) {
      this.flyPassword = Objects.requireNonNull(password);
      return this;
    }

    /**
     * Adds (or replaces) a user.
     *
     * @param name the username
     * @param password the password
     * @param actions what the user may get, or null for every action asked for
     * @return this builder
     */
    public Builder user(String name, String password, Set<String> actions) {
      users.put(
          Objects.requireNonNull(name),
          new User(Objects.requireNonNull(password), actions == null ? null : Set.copyOf(actions)));
      return this;
    }

    /**
     * @return the running issuer
     */
    public TokenIssuer start() {
      try {
        return new TokenIssuer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the token issuer", e);
      }
    }
  }
}
