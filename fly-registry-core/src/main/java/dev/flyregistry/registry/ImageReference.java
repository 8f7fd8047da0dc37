package dev.flyregistry.registry;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A reference to an image: {@code registry/repository[:tag][@digest]}, parsed with the grammar of
 * the distribution spec.
 *
 * <p>Fly-first normalisation by {@link #parse(String)}:
 *
 * <ul>
 *   <li>a bare app name ({@code my-app:v1}, a single path component without registry) means {@code
 *       registry.fly.io/my-app:v1};
 *   <li>a name of several components without registry ({@code flyio/hellofly:latest}) is a Docker
 *       Hub name: {@code registry-1.docker.io/flyio/hellofly:latest};
 *   <li>{@code docker.io}, {@code index.docker.io} and {@code registry-1.docker.io} become {@code
 *       registry-1.docker.io}, with {@code library/} before single names ({@code docker.io/nginx} →
 *       {@code registry-1.docker.io/library/nginx});
 *   <li>no tag and no digest means the tag {@code latest}.
 * </ul>
 *
 * {@link #parseDocker(String)} applies the Docker CLI's rule instead (a bare {@code nginx} is
 * {@code registry-1.docker.io/library/nginx}).
 *
 * <p>Immutable; {@link #equals(Object)} compares the normalised form.
 */
public final class ImageReference {
  /** Fly's registry host. */
  public static final String FLY_REGISTRY = "registry.fly.io";

  /** The host Docker Hub's registry API is served from. */
  public static final String DOCKER_HUB = "registry-1.docker.io";

  /** The tag assumed when a reference names neither tag nor digest. */
  public static final String DEFAULT_TAG = "latest";

  private static final int MAX_NAME_LENGTH = 255;
  private static final int MAX_TAG_LENGTH = 128;

  private final String registry;
  private final String repository;
  private final String tag;
  private final Digest digest;
  // Computed on first use; benign races (every thread computes the same value), as String.hash.
  private String text;
  private int hash;

  private ImageReference(String registry, String repository, String tag, Digest digest) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }

  /**
   * Parses a reference, Fly first: a bare single name is an app on {@code registry.fly.io}.
   *
   * @param reference {@code [registry/]repository[:tag][@digest]}
   * @return the normalised reference
   * @throws InvalidReferenceException when the input breaks the grammar; the message says what and
   *     where
   */
  public static ImageReference parse(String reference) {
    return parse(reference, FLY_REGISTRY);
  }

  /**
   * Parses a reference the way the Docker CLI does: a name without registry is on Docker Hub, and a
   * single name gets {@code library/}.
   *
   * @param reference {@code [registry/]repository[:tag][@digest]}
   * @return the normalised reference
   * @throws InvalidReferenceException when the input breaks the grammar
   */
  public static ImageReference parseDocker(String reference) {
    return parse(reference, DOCKER_HUB);
  }

  /**
   * Builds a reference from its parts, validating each.
   *
   * @param registry the registry host with optional {@code :port}
   * @param repository the repository path
   * @param tag the tag, or null for {@code latest}
   * @return the reference
   * @throws InvalidReferenceException when a part is invalid
   */
  public static ImageReference of(String registry, String repository, String tag) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    String input = registry + "/" + repository + (tag == null ? "" : ":" + tag);
    validateDomain(input, registry, 0);
    validateRepository(input, repository, registry.length() + 1);
    if (tag != null) {
      validateTag(input, tag, registry.length() + 1 + repository.length() + 1);
    }
    return normalise(registry, repository, tag == null ? DEFAULT_TAG : tag, null, input);
  }

  /**
   * A reference to an app's image on {@code registry.fly.io}.
   *
   * @param app the app name
   * @param tag the tag
   * @return {@code registry.fly.io/<app>:<tag>}
   */
  public static ImageReference flyApp(String app, String tag) {
    return of(FLY_REGISTRY, app, tag);
  }

  private static ImageReference parse(String input, String defaultRegistry) {
    if (input == null) {
      throw new InvalidReferenceException("null", -1, "reference is null");
    }
    if (input.isEmpty()) {
      throw new InvalidReferenceException(input, -1, "reference is empty");
    }
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new InvalidReferenceException(
            input, i, "whitespace, control and non-ASCII characters are not allowed");
      }
    }
    String rest = input;
    Digest digest = null;
    int at = input.indexOf('@');
    if (at >= 0) {
      if (input.indexOf('@', at + 1) >= 0) {
        throw new InvalidReferenceException(input, input.indexOf('@', at + 1), "second '@'");
      }
      try {
        digest = Digest.parse(input.substring(at + 1));
      } catch (InvalidDigestException e) {
        throw new InvalidReferenceException(input, at + 1, e.getMessage());
      }
      rest = input.substring(0, at);
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = rest.substring(colon + 1);
      validateTag(input, tag, colon + 1);
      rest = rest.substring(0, colon);
    }
    if (rest.isEmpty()) {
      throw new InvalidReferenceException(input, 0, "repository name is missing");
    }
    String domain = null;
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      String lower = first.toLowerCase(Locale.ROOT);
      boolean host =
          lower.contains(".")
              || lower.contains(":")
              || lower.equals("localhost")
              || lower.startsWith("[");
      if (!host && !first.equals(lower)) {
        // Docker reads such a component as a host only because of its capitals; the host would
        // print in lower case and read back as a Docker Hub repository, a different image.
        throw new InvalidReferenceException(
            input,
            0,
            "\""
                + first
                + "\" is not a registry host (no '.', ':' or localhost) and repository names must"
                + " be lower case; give the host with its domain or port");
      }
      if (host) {
        domain = first;
        path = rest.substring(slash + 1);
        validateDomain(input, domain, 0);
      }
    }
    int pathStart = domain == null ? 0 : domain.length() + 1;
    validateRepository(input, path, pathStart);
    if (domain == null) {
      domain = path.indexOf('/') < 0 ? defaultRegistry : DOCKER_HUB;
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return normalise(domain, path, tag, digest, input);
  }

  private static ImageReference normalise(
      String domain, String path, String tag, Digest digest, String input) {
    String registry = domain.toLowerCase(Locale.ROOT);
    if (registry.equals("docker.io")
        || registry.equals("index.docker.io")
        || registry.equals(DOCKER_HUB)) {
      registry = DOCKER_HUB;
      if (path.indexOf('/') < 0) {
        path = "library/" + path;
      }
    }
    if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
      throw new InvalidReferenceException(
          input,
          -1,
          "name \""
              + registry
              + "/"
              + path
              + "\" is longer than "
              + MAX_NAME_LENGTH
              + " characters");
    }
    return new ImageReference(registry, path, tag, digest);
  }

  private static void validateTag(String input, String tag, int offset) {
    if (tag.isEmpty()) {
      throw new InvalidReferenceException(input, offset, "tag is empty");
    }
    if (tag.length() > MAX_TAG_LENGTH) {
      throw new InvalidReferenceException(
          input, offset, "tag is longer than " + MAX_TAG_LENGTH + " characters");
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      boolean word = isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_';
      if (!(word || (i > 0 && (c == '.' || c == '-')))) {
        throw new InvalidReferenceException(
            input,
            offset + i,
            "tag character '"
                + c
                + "' is not allowed (a tag matches [A-Za-z0-9_][A-Za-z0-9._-]{0,127})");
      }
    }
  }

  private static void validateRepository(String input, String path, int offset) {
    if (path.isEmpty()) {
      throw new InvalidReferenceException(input, offset, "repository name is missing");
    }
    int start = 0;
    while (true) {
      int end = path.indexOf('/', start);
      String component = end < 0 ? path.substring(start) : path.substring(start, end);
      validateComponent(input, component, offset + start);
      if (end < 0) {
        return;
      }
      start = end + 1;
    }
  }

  /** path-component := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
  private static void validateComponent(String input, String c, int offset) {
    if (c.isEmpty()) {
      throw new InvalidReferenceException(
          input, offset, "empty path component (\"//\" or trailing \"/\")");
    }
    int i = 0;
    int n = c.length();
    while (true) {
      int runStart = i;
      while (i < n && isLowerAlnum(c.charAt(i))) {
        i++;
      }
      if (i == runStart) {
        char bad = i < n ? c.charAt(i) : c.charAt(n - 1);
        String why =
            Character.isUpperCase(bad)
                ? "repository names must be lower case"
                : i == 0
                    ? "a path component must start with [a-z0-9]"
                    : "a separator must be followed by [a-z0-9]";
        throw new InvalidReferenceException(
            input, offset + Math.min(i, n - 1), why + " ('" + bad + "')");
      }
      if (i == n) {
        return;
      }
      char s = c.charAt(i);
      if (s == '.') {
        i++;
      } else if (s == '_') {
        i++;
        if (i < n && c.charAt(i) == '_') {
          i++;
        }
      } else if (s == '-') {
        while (i < n && c.charAt(i) == '-') {
          i++;
        }
      } else {
        throw new InvalidReferenceException(
            input,
            offset + i,
            (Character.isUpperCase(s)
                    ? "repository names must be lower case"
                    : "character not allowed in a repository name")
                + " ('"
                + s
                + "')");
      }
      if (i == n) {
        throw new InvalidReferenceException(
            input, offset + i - 1, "a repository name must not end with a separator");
      }
    }
  }

  private static void validateDomain(String input, String domain, int offset) {
    if (domain.isEmpty()) {
      throw new InvalidReferenceException(input, offset, "registry host is empty");
    }
    String host = domain;
    String port = null;
    if (domain.startsWith("[")) {
      int close = domain.indexOf(']');
      if (close < 0) {
        throw new InvalidReferenceException(input, offset, "unclosed '[' in an IPv6 registry host");
      }
      String v6 = domain.substring(1, close);
      for (int i = 0; i < v6.length(); i++) {
        char c = v6.charAt(i);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
          throw new InvalidReferenceException(
              input, offset + 1 + i, "character '" + c + "' not allowed in an IPv6 address");
        }
      }
      if (v6.isEmpty()) {
        throw new InvalidReferenceException(input, offset, "empty IPv6 address");
      }
      if (close + 1 < domain.length()) {
        if (domain.charAt(close + 1) != ':') {
          throw new InvalidReferenceException(input, offset + close + 1, "expected ':' and a port");
        }
        port = domain.substring(close + 2);
      }
      host = null;
    } else {
      int colon = domain.indexOf(':');
      if (colon >= 0) {
        host = domain.substring(0, colon);
        port = domain.substring(colon + 1);
      }
    }
    if (host != null) {
      if (host.isEmpty()) {
        throw new InvalidReferenceException(input, offset, "registry host is empty");
      }
      int labelStart = 0;
      for (int i = 0; i <= host.length(); i++) {
        if (i == host.length() || host.charAt(i) == '.') {
          if (i == labelStart) {
            throw new InvalidReferenceException(
                input, offset + i, "empty label in the registry host");
          }
          if (host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
            throw new InvalidReferenceException(
                input, offset + labelStart, "a host label must not start or end with '-'");
          }
          labelStart = i + 1;
          continue;
        }
        char c = host.charAt(i);
        if (!(isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '-')) {
          throw new InvalidReferenceException(
              input, offset + i, "character '" + c + "' not allowed in a registry host");
        }
      }
    }
    if (port != null) {
      int portOffset = offset + domain.length() - port.length();
      if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
        throw new InvalidReferenceException(input, portOffset, "port must be a number");
      }
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new InvalidReferenceException(input, portOffset, "port must be in 1..65535");
      }
    }
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /**
   * @return the registry host with {@code :port} when given ("registry.fly.io", "127.0.0.1:5000")
   */
  public String registry() {
    return registry;
  }

  /**
   * @return the repository path ("my-app", "library/nginx")
   */
  public String repository() {
    return repository;
  }

  /**
   * @return the tag, when the reference has one
   */
  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  /**
   * @return the digest, when the reference has one
   */
  public Optional<Digest> digest() {
    return Optional.ofNullable(digest);
  }

  /**
   * @return what goes after {@code /manifests/} in the registry API: the digest when present, else
   *     the tag
   */
  public String reference() {
    return digest != null ? digest.toString() : tag;
  }

  /**
   * @return {@code registry/repository} without tag or digest
   */
  public String name() {
    return registry + "/" + repository;
  }

  /**
   * @param newTag the tag
   * @return this reference with the tag replaced and the digest dropped
   * @throws InvalidReferenceException when the tag is invalid
   */
  public ImageReference withTag(String newTag) {
    Objects.requireNonNull(newTag, "tag");
    validateTag(newTag, newTag, 0);
    return new ImageReference(registry, repository, newTag, null);
  }

  /**
   * @param newDigest the digest
   * @return this reference pinned to the digest (the tag is kept for display)
   */
  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(registry, repository, tag, Objects.requireNonNull(newDigest));
  }

  /**
   * @return this reference without its digest ({@code latest} when it had no tag either)
   */
  public ImageReference withoutDigest() {
    return new ImageReference(registry, repository, tag == null ? DEFAULT_TAG : tag, null);
  }

  /**
   * @param newRepository the repository path, in the same registry ({@code library/} is added to a
   *     single name on Docker Hub, as {@link #parse(String)} does)
   * @return a reference to the same tag and digest in another repository
   * @throws InvalidReferenceException when the path is invalid or makes the name longer than 255
   *     characters
   */
  public ImageReference withRepository(String newRepository) {
    Objects.requireNonNull(newRepository, "repository");
    String input = registry + "/" + newRepository;
    validateRepository(input, newRepository, registry.length() + 1);
    return normalise(registry, newRepository, tag, digest, input);
  }

  /**
   * @return whether this reference points at Fly's registry
   */
  public boolean isFly() {
    return FLY_REGISTRY.equals(registry);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageReference r
        && r.registry.equals(registry)
        && r.repository.equals(repository)
        && Objects.equals(r.tag, tag)
        && Objects.equals(r.digest, digest);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Objects.hash(registry, repository, tag, digest);
      hash = h;
    }
    return h;
  }

  /**
   * @return {@code registry/repository[:tag][@digest]}
   */
  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      t = format();
      text = t;
    }
    return t;
  }

  private String format() {
    StringBuilder b = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      b.append(':').append(tag);
    }
    if (digest != null) {
      b.append('@').append(digest);
    }
    return b.toString();
  }
}
