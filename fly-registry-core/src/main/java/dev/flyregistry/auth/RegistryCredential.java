package dev.flyregistry.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * A username and password (or identity token) for one registry, with a description of where it came
 * from (used in error messages). {@link #toString()} never shows the secret. Immutable.
 */
public final class RegistryCredential {
  private final String username;
  private final String password;
  private final String identityToken;
  private final String source;

  private RegistryCredential(
      String username, String password, String identityToken, String source) {
    this.username = Objects.requireNonNull(username, "username");
    this.password = password;
    this.identityToken = identityToken;
    this.source = Objects.requireNonNull(source, "source");
    if (username.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a registry username must not contain ':'");
    }
  }

  /**
   * @param username the username
   * @param password the password or token
   * @param source where the credential came from, for messages ("explicit credentials", ...)
   * @return the credential
   */
  public static RegistryCredential basic(String username, String password, String source) {
    return new RegistryCredential(
        username, Objects.requireNonNull(password, "password"), null, source);
  }

  /**
   * An OAuth2 refresh token (docker's {@code identitytoken}), exchanged at the token service with
   * the POST form.
   *
   * @param username the username (may be empty)
   * @param identityToken the refresh token
   * @param source where the credential came from
   * @return the credential
   */
  public static RegistryCredential identityToken(
      String username, String identityToken, String source) {
    return new RegistryCredential(
        username, null, Objects.requireNonNull(identityToken, "identityToken"), source);
  }

  /**
   * @return the username
   */
  public String username() {
    return username;
  }

  /**
   * @return the password, empty for identity-token credentials
   */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /**
   * @return the OAuth2 refresh token, if this credential is one
   */
  public Optional<String> identityToken() {
    return Optional.ofNullable(identityToken);
  }

  /**
   * @return where the credential came from, for messages
   */
  public String source() {
    return source;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryCredential c
        && c.username.equals(username)
        && Objects.equals(c.password, password)
        && Objects.equals(c.identityToken, identityToken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(username, password, identityToken);
  }

  @Override
  public String toString() {
    return "RegistryCredential[username="
        + username
        + (identityToken != null ? ", identityToken=REDACTED" : ", password=REDACTED")
        + ", source="
        + source
        + "]";
  }
}
