package dev.flyregistry.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The platform an image in an index runs on.
 *
 * @param os operating system, such as {@code linux}
 * @param architecture CPU architecture, such as {@code amd64} or {@code arm64}
 * @param variant CPU variant, such as {@code v8}
 * @param osVersion operating system version (Windows images)
 * @param osFeatures required operating system features
 */
public record Platform(
    String os,
    String architecture,
    Optional<String> variant,
    Optional<String> osVersion,
    List<String> osFeatures) {

  /**
   * Validates and copies the components.
   *
   * @param os operating system, such as {@code linux}
   * @param architecture CPU architecture, such as {@code amd64} or {@code arm64}
   * @param variant CPU variant, such as {@code v8}
   * @param osVersion operating system version (Windows images)
   * @param osFeatures required operating system features
   */
  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(osVersion, "osVersion");
    osFeatures = List.copyOf(osFeatures);
  }

  /**
   * @param os operating system
   * @param architecture CPU architecture
   * @return a platform without variant, version or features
   */
  public static Platform of(String os, String architecture) {
    return new Platform(os, architecture, Optional.empty(), Optional.empty(), List.of());
  }

  /**
   * @return {@code os/architecture[/variant]}
   */
  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }
}
