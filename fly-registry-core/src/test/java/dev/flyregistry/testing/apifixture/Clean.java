package dev.flyregistry.testing.apifixture;

import java.util.List;
import java.util.Map;

/** Names only the JDK and exported types. */
public final class Clean {
  /** A constant. */
  public static final String NAME = "clean";

  /** Generic JDK types and an exported type of this package. */
  public Map<String, List<? extends Clean>> self() {
    return Map.of();
  }

  /** A nested exported type. */
  public enum Kind {
    /** One kind. */
    ONE
  }
}
