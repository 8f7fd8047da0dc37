package dev.flyregistry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.internal.auth.CredentialHelperRunner;
import dev.flyregistry.internal.auth.DockerConfigFile;
import dev.flyregistry.internal.auth.DockerHosts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A docker {@code config.json} (in {@code $DOCKER_CONFIG} or {@code ~/.docker}): read the way
 * docker, skopeo and other registry clients read it, and written the way {@code docker login} and
 * {@code fly auth docker} write it.
 *
 * <p><b>Reading</b> ({@link #lookup(String)}), first match wins:
 *
 * <ol>
 *   <li>{@code credHelpers} naming the host: {@code docker-credential-<name> get};
 *   <li>an {@code auths} entry for the host holding a credential: {@code auth} in standard or
 *       URL-safe base64, padded or not, or {@code identitytoken}; keys match with or without {@code
 *       https://} and a path ({@code https://index.docker.io/v1/}); an entry without a credential
 *       (as docker writes when a credential store holds the secret) is skipped;
 *   <li>{@code credsStore}: {@code docker-credential-<name> get};
 *   <li>nothing: empty.
 * </ol>
 *
 * <p>The parsed file is cached and re-read when its modification time, size or identity changes.
 *
 * <p><b>Writing</b> ({@link #login(String, String, String)}, {@link #logout(String)}) merges one
 * {@code auths} entry and keeps every other key and entry as it was; the write is atomic (a
 * temporary file in the same directory, forced to disk, then renamed over the old file) with mode
 * 0600, in a directory created with mode 0700 when missing. Concurrent writers, in this process or
 * others, serialise on a lock file ({@code config.json.lock}) and all land. A malformed existing
 * file is reported with a {@link DockerConfigException} and never overwritten. Secrets are always
 * written to {@code auths}, never to a credential helper.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DockerConfig {
  private static final Duration DEFAULT_HELPER_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final String display;
  private final DockerConfigFile file;
  private final List<Path> searchPath;
  private final Duration helperTimeout;
  private final Consumer<Path> beforeRename;

  private DockerConfig(
      Path dir,
      String display,
      List<Path> searchPath,
      Duration helperTimeout,
      Consumer<Path> beforeRename) {
    this.dir = dir;
    this.display = display;
    this.searchPath = searchPath == null ? null : List.copyOf(searchPath);
    this.helperTimeout = helperTimeout;
    this.beforeRename = beforeRename;
    this.file = new DockerConfigFile(dir, display, beforeRename);
  }

  /**
   * The configuration docker itself uses: {@code $DOCKER_CONFIG/config.json} when that variable is
   * set, else {@code ~/.docker/config.json}.
   *
   * @return the configuration (the file need not exist)
   */
  public static DockerConfig defaultLocation() {
    return defaultLocation(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  static DockerConfig defaultLocation(Map<String, String> env, Path home) {
    String custom = env.get("DOCKER_CONFIG");
    if (custom != null && !custom.isBlank()) {
      Path d = Path.of(custom);
      return new DockerConfig(
          d, d.resolve("config.json") + " ($DOCKER_CONFIG)", null, DEFAULT_HELPER_TIMEOUT, p -> {});
    }
    return new DockerConfig(
        home.resolve(".docker"), "~/.docker/config.json", null, DEFAULT_HELPER_TIMEOUT, p -> {});
  }

  /**
   * @param dir the directory holding (or to hold) {@code config.json}
   * @return the configuration in that directory (the file need not exist)
   */
  public static DockerConfig at(Path dir) {
    Objects.requireNonNull(dir, "dir");
    return new DockerConfig(
        dir, dir.resolve("config.json").toString(), null, DEFAULT_HELPER_TIMEOUT, p -> {});
  }

  /**
   * @param timeout how long a credential helper may run before it is killed (default 30 s)
   * @return a copy with that timeout
   */
  public DockerConfig withHelperTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("helper timeout must be positive: " + timeout);
    }
    return new DockerConfig(dir, display, searchPath, timeout, beforeRename);
  }

  /** Directories searched for credential helpers instead of {@code PATH} (tests). */
  DockerConfig withSearchPath(List<Path> dirs) {
    return new DockerConfig(dir, display, dirs, helperTimeout, beforeRename);
  }

  /** A hook run on the written temporary file before it is renamed (tests simulate crashes). */
  DockerConfig withBeforeRename(Consumer<Path> hook) {
    return new DockerConfig(dir, display, searchPath, helperTimeout, hook);
  }

  /**
   * @return the directory holding {@code config.json}
   */
  public Path directory() {
    return dir;
  }

  /**
   * @return the {@code config.json} path
   */
  public Path file() {
    return file.file();
  }

  /**
   * Finds the credential for a registry (see the class description for the order).
   *
   * @param registryHost the registry host with {@code :port} when not default; a URL or a {@code
   *     config.json} key is accepted too
   * @return the credential, its {@link RegistryCredential#source()} naming the file or the helper;
   *     empty when the configuration has none for that host
   * @throws DockerConfigException when the file is malformed (or the host's entry is)
   * @throws CredentialHelperException when a configured credential helper is missing, fails or
   *     hangs
   */
  public Optional<RegistryCredential> lookup(String registryHost) {
    String host = host(registryHost);
    DockerConfigFile.Snapshot s = file.snapshot();
    String helper = s.credHelpers().get(registryHost);
    if (helper == null) {
      for (Map.Entry<String, String> e : s.credHelpers().entrySet()) {
        if (DockerHosts.normalize(e.getKey()).equals(host)) {
          helper = e.getValue();
          break;
        }
      }
    }
    if (helper != null && !helper.isBlank()) {
      return runner().get(helper, DockerHosts.helperServerUrl(host), "credHelpers in " + display);
    }
    Optional<RegistryCredential> fromAuths = fromAuths(s.auths(), registryHost, host);
    if (fromAuths.isPresent()) {
      return fromAuths;
    }
    if (s.credsStore() != null) {
      return runner()
          .get(s.credsStore(), DockerHosts.helperServerUrl(host), "credsStore in " + display);
    }
    return Optional.empty();
  }

  /**
   * Stores a username and password for a registry in {@code auths}, like {@code docker login}.
   * Every other key and entry of the file is kept.
   *
   * @param registryHost the registry host with {@code :port} when not default
   * @param username the username (no {@code ':'})
   * @param password the password or token
   * @throws DockerConfigException when the existing file is malformed (it is left untouched) or
   *     cannot be written
   */
  public void login(String registryHost, String username, String password) {
    String host = host(registryHost);
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a registry username must not contain ':'");
    }
    String auth =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    file.update(
        root -> {
          ObjectNode auths = auths(root);
          String key = existingKey(auths, host);
          JsonNode existing = auths.get(key);
          ObjectNode entry = existing instanceof ObjectNode o ? o : auths.objectNode();
          entry.put("auth", auth);
          entry.remove(List.of("identitytoken", "registrytoken", "username", "password"));
          auths.set(key, entry);
          return true;
        });
  }

  /**
   * Stores a Fly token for a registry: username {@code x}, password {@link
   * FlyToken#registryPassword()}.
   *
   * @param registryHost the registry host
   * @param token the Fly token
   * @throws DockerConfigException as {@link #login(String, String, String)}
   */
  public void login(String registryHost, FlyToken token) {
    Objects.requireNonNull(token, "token");
    login(registryHost, "x", token.registryPassword());
  }

  /**
   * What {@code fly auth docker} does: stores {@code x:<registry password>} for {@code
   * registry.fly.io}.
   *
   * @param token the Fly token
   * @throws DockerConfigException as {@link #login(String, String, String)}
   */
  public void loginFly(FlyToken token) {
    login(FlyToken.FLY_REGISTRY, token);
  }

  /**
   * Removes every {@code auths} entry for a registry, keeping the rest of the file. Credential
   * helpers are not asked to erase anything.
   *
   * @param registryHost the registry host
   * @return whether an entry was removed (false: nothing written)
   * @throws DockerConfigException as {@link #login(String, String, String)}
   */
  public boolean logout(String registryHost) {
    String host = host(registryHost);
    return file.update(
        root -> {
          JsonNode a = root.get("auths");
          if (!(a instanceof ObjectNode auths)) {
            return false;
          }
          boolean removed = false;
          for (Iterator<String> it = auths.fieldNames(); it.hasNext(); ) {
            if (DockerHosts.normalize(it.next()).equals(host)) {
              it.remove();
              removed = true;
            }
          }
          return removed;
        });
  }

  private static String host(String registryHost) {
    Objects.requireNonNull(registryHost, "registryHost");
    String host = DockerHosts.normalize(registryHost);
    if (host.isEmpty()) {
      throw new IllegalArgumentException("registry host is empty: \"" + registryHost + "\"");
    }
    return host;
  }

  private static ObjectNode auths(ObjectNode root) {
    JsonNode a = root.get("auths");
    if (a instanceof ObjectNode o) {
      return o;
    }
    return root.putObject("auths");
  }

  private static String existingKey(ObjectNode auths, String host) {
    String preferred = DockerHosts.loginKey(host);
    if (auths.has(preferred)) {
      return preferred;
    }
    for (Iterator<String> it = auths.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (DockerHosts.normalize(k).equals(host)) {
        return k;
      }
    }
    return preferred;
  }

  private Optional<RegistryCredential> fromAuths(
      Map<String, JsonNode> auths, String asGiven, String host) {
    List<String> keys = new ArrayList<>();
    for (String exact : List.of(asGiven, DockerHosts.loginKey(host))) {
      if (auths.containsKey(exact) && !keys.contains(exact)) {
        keys.add(exact);
      }
    }
    for (String k : auths.keySet()) {
      if (!keys.contains(k) && DockerHosts.normalize(k).equals(host)) {
        keys.add(k);
      }
    }
    for (String k : keys) {
      Optional<RegistryCredential> c = decode(k, auths.get(k));
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private Optional<RegistryCredential> decode(String key, JsonNode entry) {
    if (entry == null || entry.isNull()) {
      return Optional.empty();
    }
    if (!entry.isObject()) {
      throw entryError(key, "is not an object");
    }
    String user = null;
    String password = null;
    String auth = text(entry, key, "auth");
    if (auth != null && !auth.isBlank()) {
      String decoded = new String(base64(key, auth), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw entryError(key, "has an \"auth\" that does not decode to username:password");
      }
      user = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    String identityToken = text(entry, key, "identitytoken");
    if (user == null || user.isEmpty()) {
      String u = text(entry, key, "username");
      if (u != null) {
        user = u;
      }
    }
    if (password == null || password.isEmpty()) {
      String p = text(entry, key, "password");
      if (p != null) {
        password = p;
      }
    }
    if (user != null && user.indexOf(':') >= 0) {
      throw entryError(key, "has a username containing ':'");
    }
    if (identityToken != null && !identityToken.isEmpty()) {
      return Optional.of(
          RegistryCredential.identityToken(user == null ? "" : user, identityToken, display));
    }
    if ((user == null || user.isEmpty()) && (password == null || password.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(
        RegistryCredential.basic(
            user == null ? "" : user, password == null ? "" : password, display));
  }

  private String text(JsonNode entry, String key, String field) {
    JsonNode v = entry.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw entryError(key, "has a \"" + field + "\" that is not a string");
    }
    return v.asText();
  }

  /** Standard or URL-safe base64, padded or not (flyctl writes URL-safe). */
  private byte[] base64(String key, String value) {
    StringBuilder sb = new StringBuilder(value.length() + 3);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || c == '=') {
        continue;
      }
      if (c == '-') {
        c = '+';
      } else if (c == '_') {
        c = '/';
      }
      sb.append(c);
    }
    if (sb.length() % 4 == 1) {
      throw entryError(key, "has an \"auth\" that is not valid base64");
    }
    while (sb.length() % 4 != 0) {
      sb.append('=');
    }
    try {
      return Base64.getDecoder().decode(sb.toString());
    } catch (IllegalArgumentException e) {
      throw entryError(key, "has an \"auth\" that is not valid base64");
    }
  }

  private DockerConfigException entryError(String key, String what) {
    return new DockerConfigException(
        file.file(), "auths entry \"" + key + "\" in " + display + " " + what, null);
  }

  private CredentialHelperRunner runner() {
    return new CredentialHelperRunner(
        searchPath != null ? searchPath : CredentialHelperRunner.systemPath(), helperTimeout);
  }

  @Override
  public String toString() {
    return "DockerConfig[" + display + "]";
  }
}
