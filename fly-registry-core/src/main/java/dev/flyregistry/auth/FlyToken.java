package dev.flyregistry.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Fly.io access token as users paste or export it: one or more comma-separated parts, possibly
 * behind {@code FlyV1 } or {@code Bearer } schemes (case-insensitive, even stacked). Parts prefixed
 * {@code fm1r_}, {@code fm1a_} or {@code fm2_} are macaroons; others (such as {@code fo1_...}) are
 * user tokens.
 *
 * <p>Two forms are derived: the API {@code Authorization} header ({@code FlyV1 <all parts>} when
 * any macaroon is present, else {@code Bearer <token>}) and the registry password (the macaroons
 * joined by commas without a scheme, or the user tokens when there is no macaroon). {@link
 * #toString()} never shows the token. Instances are immutable.
 */
public final class FlyToken {
  /** The registry host whose password is this token. */
  public static final String FLY_REGISTRY = "registry.fly.io";

  private static final List<String> MACAROON_PREFIXES = List.of("fm1r_", "fm1a_", "fm2_");

  private final List<String> macaroons;
  private final List<String> userTokens;
  private final String source;

  private FlyToken(List<String> macaroons, List<String> userTokens, String source) {
    this.macaroons = List.copyOf(macaroons);
    this.userTokens = List.copyOf(userTokens);
    this.source = source;
  }

  /**
   * Parses a token as pasted or exported.
   *
   * @param raw the token text, with or without {@code FlyV1 }/{@code Bearer } schemes
   * @return the token
   * @throws IllegalArgumentException when the text holds no token part, or a part contains
   *     whitespace or control characters
   */
  public static FlyToken parse(String raw) {
    return parse(raw, "explicit token");
  }

  static FlyToken parse(String raw, String source) {
    if (raw == null) {
      throw new IllegalArgumentException("Fly token (" + source + ") is null");
    }
    String s = stripSchemes(raw);
    List<String> macaroons = new ArrayList<>();
    List<String> users = new ArrayList<>();
    int index = 0;
    for (String part : s.split(",", -1)) {
      index++;
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (c <= 0x20 || c >= 0x7f) {
          throw new IllegalArgumentException(
              "Fly token part "
                  + index
                  + " ("
                  + source
                  + ") contains whitespace or a control character at offset "
                  + i);
        }
      }
      if (MACAROON_PREFIXES.stream().anyMatch(p::startsWith)) {
        macaroons.add(p);
      } else {
        users.add(p);
      }
    }
    if (macaroons.isEmpty() && users.isEmpty()) {
      throw new IllegalArgumentException("Fly token (" + source + ") is empty");
    }
    return new FlyToken(macaroons, users, source);
  }

  /**
   * Removes leading {@code FlyV1}/{@code Bearer} schemes (any case, repeated, each followed by
   * whitespace or the end of the text).
   */
  private static String stripSchemes(String raw) {
    String s = raw.strip();
    while (true) {
      int end = 0;
      while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
        end++;
      }
      String word = s.substring(0, end);
      if (word.equalsIgnoreCase("FlyV1") || word.equalsIgnoreCase("Bearer")) {
        s = s.substring(end).strip();
      } else {
        return s;
      }
    }
  }

  /**
   * Finds the token the way flyctl does: {@code FLY_ACCESS_TOKEN}, then {@code FLY_API_TOKEN}, then
   * {@code access_token} in {@code ~/.fly/config.yml}.
   *
   * @return the token
   * @throws AuthException when none of the sources holds a token
   */
  public static FlyToken fromEnvironment() {
    return find(System.getenv(), Path.of(System.getProperty("user.home")))
        .orElseThrow(
            () ->
                new AuthException(
                    "no Fly token found: set FLY_ACCESS_TOKEN or FLY_API_TOKEN, or run `fly auth"
                        + " login` to write ~/.fly/config.yml"));
  }

  /**
   * Like {@link #fromEnvironment()}, but empty when no source holds a token.
   *
   * @return the token, if one is configured
   */
  public static Optional<FlyToken> findInEnvironment() {
    return find(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * Looks a token up in the given environment and home directory (for tests and embedding).
   *
   * @param env environment variables
   * @param home the home directory holding {@code .fly/config.yml}
   * @return the token, if one is configured
   */
  public static Optional<FlyToken> find(Map<String, String> env, Path home) {
    for (String name : List.of("FLY_ACCESS_TOKEN", "FLY_API_TOKEN")) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return Optional.of(parse(v, name));
      }
    }
    Path config = home.resolve(".fly").resolve("config.yml");
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(config, StandardCharsets.UTF_8)) {
        if (!line.startsWith("access_token:")) {
          continue;
        }
        String v = line.substring("access_token:".length()).trim();
        int comment = v.indexOf(" #");
        if (comment >= 0 && !(v.startsWith("\"") || v.startsWith("'"))) {
          v = v.substring(0, comment).trim();
        }
        if (v.length() >= 2
            && (v.charAt(0) == '"' || v.charAt(0) == '\'')
            && v.charAt(v.length() - 1) == v.charAt(0)) {
          v = v.substring(1, v.length() - 1);
        }
        if (v.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(parse(v, "~/.fly/config.yml"));
      }
    } catch (IOException e) {
      throw new AuthException("cannot read ~/.fly/config.yml: " + e.getMessage(), e);
    }
    return Optional.empty();
  }

  /**
   * @return the macaroon parts ({@code fm1r_}, {@code fm1a_}, {@code fm2_})
   */
  public List<String> macaroons() {
    return macaroons;
  }

  /**
   * @return the parts that are not macaroons
   */
  public List<String> userTokens() {
    return userTokens;
  }

  /**
   * @return whether any part is a macaroon
   */
  public boolean hasMacaroons() {
    return !macaroons.isEmpty();
  }

  /**
   * @return where the token came from ({@code FLY_ACCESS_TOKEN}, {@code ~/.fly/config.yml}, ...)
   */
  public String source() {
    return source;
  }

  /**
   * The {@code Authorization} header value for Fly's APIs (GraphQL, Machines API).
   *
   * @return {@code FlyV1 <all parts>} when any macaroon is present, else {@code Bearer <token>}
   */
  public String apiAuthorization() {
    if (hasMacaroons()) {
      List<String> all = new ArrayList<>(macaroons);
      all.addAll(userTokens);
      return "FlyV1 " + String.join(",", all);
    }
    return "Bearer " + String.join(",", userTokens);
  }

  /**
   * The password {@code registry.fly.io} takes with username {@code x}.
   *
   * @return the macaroons joined by commas, or the user tokens when there is no macaroon
   */
  public String registryPassword() {
    return String.join(",", hasMacaroons() ? macaroons : userTokens);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlyToken t
        && t.macaroons.equals(macaroons)
        && t.userTokens.equals(userTokens);
  }

  @Override
  public int hashCode() {
    return Objects.hash(macaroons, userTokens);
  }

  /** Describes the token without revealing it. */
  @Override
  public String toString() {
    return "FlyToken[macaroons="
        + macaroons.size()
        + ", userTokens="
        + userTokens.size()
        + ", source="
        + source
        + ", value=REDACTED]";
  }
}
