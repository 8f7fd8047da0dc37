package dev.flyregistry.graphql;

import java.util.Objects;
import java.util.Optional;

/**
 * The user who created a release.
 *
 * @param id the user's node ID
 * @param email the user's email address
 * @param name the user's display name, when set
 */
public record ReleaseUser(String id, String email, Optional<String> name) {
  /**
   * Validates the components.
   *
   * @param id the user's node ID
   * @param email the user's email address
   * @param name the user's display name, when set
   */
  public ReleaseUser {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(name, "name");
  }
}
