package dev.flyregistry.machines;

import dev.flyregistry.FlyException;

/**
 * A deploy found no machine in the app: a machine must be created first (for example with {@code
 * fly machine run} or a first {@code fly deploy}), since deploying an image only updates existing
 * machines.
 */
public class NoMachinesException extends FlyException {
  private static final long serialVersionUID = 1L;

  /** The app without machines. */
  private final String app;

  /**
   * Creates the exception.
   *
   * @param app the app without machines
   */
  public NoMachinesException(String app) {
    super(
        "app '"
            + app
            + "' has no machines: create a machine first (for example `fly machine run <image>"
            + " --app "
            + app
            + "`), then deploy the image");
    this.app = app;
  }

  /**
   * @return the app without machines
   */
  public String app() {
    return app;
  }
}
