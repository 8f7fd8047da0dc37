package dev.flyregistry.testing.apifixture;

import dev.flyregistry.testing.apifixture.internal.Hidden;
import java.util.List;
import java.util.function.Supplier;

/** Shows a third-party type, an internal type and mutable fields. */
public final class Leaky {
  /** Changeable by anyone. */
  public static int counter;

  /** Final, but its elements can be changed. */
  public static final String[] NAMES = {"a"};

  /** A third-party return type. */
  public okhttp3.HttpUrl url() {
    return null;
  }

  /** An internal type, deep in a generic argument. */
  public List<? extends Supplier<Hidden>> hidden() {
    return List.of();
  }

  /** Package-private: not part of the API, so not a leak. */
  okhttp3.Request request() {
    return null;
  }
}
