package dev.flyregistry.machines;

import java.util.Objects;
import java.util.Optional;

/**
 * A Fly app as the Machines API describes it.
 *
 * @param name the app name (also the registry repository {@code registry.fly.io/<name>})
 * @param id the app's ID, when the API sent it
 * @param orgSlug the slug of the organization owning the app, when known
 * @param status the app status ({@code pending}, {@code deployed}, {@code suspended}, ...), when
 *     the API sent it
 * @param machineCount the number of machines, when the API sent it
 */
public record App(
    String name,
    Optional<String> id,
    Optional<String> orgSlug,
    Optional<String> status,
    Optional<Integer> machineCount) {

  /**
   * Checks that no component is null.
   *
   * @param name the app name (also the registry repository {@code registry.fly.io/<name>})
   * @param id the app's ID, when the API sent it
   * @param orgSlug the slug of the organization owning the app, when known
   * @param status the app status ({@code pending}, {@code deployed}, {@code suspended}, ...), when
   *     the API sent it
   * @param machineCount the number of machines, when the API sent it
   */
  public App {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(orgSlug, "orgSlug");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(machineCount, "machineCount");
  }
}
