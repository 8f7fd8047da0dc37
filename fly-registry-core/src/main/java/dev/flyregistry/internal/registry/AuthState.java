package dev.flyregistry.internal.registry;

import java.util.Objects;
import okhttp3.HttpUrl;

/** What a registry asked for, learnt from its challenge. */
public sealed interface AuthState {
  /** No challenge: requests go without {@code Authorization}. */
  record None() implements AuthState {}

  /** {@code Basic}: the credentials on each request. */
  record Basic() implements AuthState {}

  /** {@code Bearer}: a token from {@code realm} for {@code service} and the request's scopes. */
  record Bearer(HttpUrl realm, String service) implements AuthState {
    /** Validates. */
    public Bearer {
      Objects.requireNonNull(realm, "realm");
      service = service == null ? "" : service;
    }
  }
}
