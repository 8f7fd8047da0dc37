package dev.flyregistry.internal.registry;

import java.time.Instant;
import java.util.Set;

/**
 * A token from a token service, for a set of scopes, usable until {@code refreshAt} (shortly before
 * {@code expiresAt}). {@link #toString()} hides the token.
 */
record BearerToken(String token, Set<Scope> scopes, Instant refreshAt, Instant expiresAt) {
  BearerToken {
    scopes = Set.copyOf(scopes);
  }

  boolean usableAt(Instant now) {
    return now.isBefore(refreshAt);
  }

  @Override
  public String toString() {
    return "BearerToken[scopes=" + scopes + ", expiresAt=" + expiresAt + ", token=REDACTED]";
  }
}
