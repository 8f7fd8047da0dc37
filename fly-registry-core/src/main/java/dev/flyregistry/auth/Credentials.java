package dev.flyregistry.auth;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a registry client finds credentials for a registry host. Implementations must be
 * thread-safe.
 *
 * <p>Ready-made sources: {@link #anonymous()}, {@link #basic(String, String)} for every host,
 * {@link #basic(String, String, String)} for one host, {@link #fly(FlyToken)} for {@code
 * registry.fly.io}, {@link #dockerConfig(DockerConfig)} for a docker {@code config.json}, and
 * {@link #defaultChain(FlyToken)}, which asks them in the order docker users expect. Explicit
 * credentials go first with {@code explicit.orElse(Credentials.defaultChain(token))}.
 */
@FunctionalInterface
public interface Credentials {

  /**
   * @param registryHost the registry's host, with {@code :port} when not the default
   *     ("registry.fly.io", "127.0.0.1:5000")
   * @return the credential to use with that registry, or empty for anonymous access
   */
  Optional<RegistryCredential> lookup(String registryHost);

  /**
   * @return a source that never has credentials
   */
  static Credentials anonymous() {
    return host -> Optional.empty();
  }

  /**
   * @param username the username
   * @param password the password
   * @return a source that offers these credentials to every registry
   */
  static Credentials basic(String username, String password) {
    RegistryCredential c = RegistryCredential.basic(username, password, "explicit credentials");
    return host -> Optional.of(c);
  }

  /**
   * @param registryHost the only host to offer the credentials to (with {@code :port} when not
   *     default)
   * @param username the username
   * @param password the password
   * @return a source that offers these credentials to that registry only
   */
  static Credentials basic(String registryHost, String username, String password) {
    String h = registryHost.toLowerCase(Locale.ROOT);
    RegistryCredential c = RegistryCredential.basic(username, password, "explicit credentials");
    return host -> h.equals(host.toLowerCase(Locale.ROOT)) ? Optional.of(c) : Optional.empty();
  }

  /**
   * Credentials for {@code registry.fly.io}: username {@code x}, password {@link
   * FlyToken#registryPassword()}.
   *
   * @param token the Fly token
   * @return a source that answers for {@code registry.fly.io} only
   */
  static Credentials fly(FlyToken token) {
    Objects.requireNonNull(token, "token");
    RegistryCredential c =
        RegistryCredential.basic("x", token.registryPassword(), "Fly token from " + token.source());
    return host ->
        FlyToken.FLY_REGISTRY.equals(host.toLowerCase(Locale.ROOT))
            ? Optional.of(c)
            : Optional.empty();
  }

  /**
   * @param next the source asked when this one has nothing
   * @return a source that asks this one first, then {@code next}
   */
  default Credentials orElse(Credentials next) {
    Objects.requireNonNull(next, "next");
    return host -> {
      Optional<RegistryCredential> c = lookup(host);
      return c.isPresent() ? c : next.lookup(host);
    };
  }

  /**
   * Credentials from a docker {@code config.json}: {@code auths} entries, {@code credHelpers} and
   * {@code credsStore} (see {@link DockerConfig#lookup(String)}).
   *
   * @param config the configuration to read
   * @return a source backed by that configuration
   */
  static Credentials dockerConfig(DockerConfig config) {
    Objects.requireNonNull(config, "config");
    return config::lookup;
  }

  /**
   * The default sources, first match wins: the Fly token (for {@code registry.fly.io} only), then
   * {@link DockerConfig#defaultLocation()} ({@code $DOCKER_CONFIG} or {@code ~/.docker}), then
   * anonymous (empty). Put explicit credentials in front with {@link #orElse(Credentials)}.
   *
   * @param tokenOrNull the Fly token, or null when there is none
   * @return the chain; thread-safe
   */
  static Credentials defaultChain(FlyToken tokenOrNull) {
    return defaultChain(tokenOrNull, DockerConfig.defaultLocation());
  }

  /**
   * Like {@link #defaultChain(FlyToken)} with the Fly token taken from the environment ({@code
   * FLY_ACCESS_TOKEN}, {@code FLY_API_TOKEN}, {@code ~/.fly/config.yml}), if any.
   *
   * @return the chain; thread-safe
   * @throws IllegalArgumentException when the configured Fly token is malformed
   */
  static Credentials defaultChain() {
    return defaultChain(FlyToken.findInEnvironment().orElse(null));
  }

  /**
   * The default chain with a given docker configuration (for embedding and tests).
   *
   * @param tokenOrNull the Fly token, or null when there is none
   * @param docker the docker configuration to read after the Fly token
   * @return the chain; thread-safe
   */
  static Credentials defaultChain(FlyToken tokenOrNull, DockerConfig docker) {
    Credentials fromDocker = dockerConfig(docker);
    return tokenOrNull == null ? fromDocker : fly(tokenOrNull).orElse(fromDocker);
  }
}
