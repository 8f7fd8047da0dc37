package dev.flyregistry.internal.auth;

import java.util.Locale;

/** How docker matches {@code config.json} keys to registry hosts. */
public final class DockerHosts {
  /** The key docker uses for Docker Hub in {@code config.json} and with credential helpers. */
  public static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

  private static final String DOCKER_HUB_HOST = "index.docker.io";

  private DockerHosts() {}

  /**
   * Reduces a {@code config.json} key or a registry host to the host (with port) docker compares:
   * scheme and path dropped, lower case, Docker Hub's aliases folded into {@code index.docker.io}.
   *
   * @param keyOrHost "https://registry.fly.io/v1/", "registry.fly.io", "127.0.0.1:5000", ...
   * @return the comparable host
   */
  public static String normalize(String keyOrHost) {
    String s = keyOrHost.strip();
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      s = s.substring(scheme + 3);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    s = s.toLowerCase(Locale.ROOT);
    if (s.equals("docker.io") || s.equals("registry-1.docker.io")) {
      return DOCKER_HUB_HOST;
    }
    return s;
  }

  /**
   * @param normalizedHost a host from {@link #normalize(String)}
   * @return the server URL docker hands to credential helpers for it
   */
  public static String helperServerUrl(String normalizedHost) {
    return DOCKER_HUB_HOST.equals(normalizedHost) ? DOCKER_HUB_KEY : normalizedHost;
  }

  /**
   * @param normalizedHost a host from {@link #normalize(String)}
   * @return the key {@code docker login} writes for it
   */
  public static String loginKey(String normalizedHost) {
    return DOCKER_HUB_HOST.equals(normalizedHost) ? DOCKER_HUB_KEY : normalizedHost;
  }
}
