package dev.flyregistry.registry;

import java.util.List;
import java.util.Objects;

/** A manifest list or index has no image for the platform asked for; it names those it has. */
public class PlatformNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  private final transient Platform platform;
  private final transient List<Platform> available;

  /**
   * @param message what was asked and what the index offers
   * @param platform the platform asked for
   * @param available the platforms the index lists, in its order
   * @param registry the registry host
   * @param repository the repository
   */
  public PlatformNotFoundException(
      String message,
      Platform platform,
      List<Platform> available,
      String registry,
      String repository) {
    super(message, 0, List.of(), registry, repository, null);
    this.platform = Objects.requireNonNull(platform, "platform");
    this.available = List.copyOf(available);
  }

  /**
   * @return the platform asked for
   */
  public Platform platform() {
    return platform;
  }

  /**
   * @return the platforms the index lists, in its order
   */
  public List<Platform> available() {
    return available;
  }
}
