package dev.flyregistry.machines;

import java.util.Objects;
import java.util.Optional;

/**
 * A Fly machine, reduced to what an image workflow needs.
 *
 * @param id the machine ID
 * @param name the machine name, when set
 * @param state its state ({@code started}, {@code stopped}, {@code created}, ...)
 * @param region the region it runs in, when known
 * @param image the image of its configuration ({@code config.image}), when set
 * @param instanceId the ID of its current version, when known
 */
public record Machine(
    String id,
    Optional<String> name,
    String state,
    Optional<String> region,
    Optional<String> image,
    Optional<String> instanceId) {

  /**
   * Checks that no component is null.
   *
   * @param id the machine ID
   * @param name the machine name, when set
   * @param state its state ({@code started}, {@code stopped}, {@code created}, ...)
   * @param region the region it runs in, when known
   * @param image the image of its configuration ({@code config.image}), when set
   * @param instanceId the ID of its current version, when known
   */
  public Machine {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(instanceId, "instanceId");
  }
}
