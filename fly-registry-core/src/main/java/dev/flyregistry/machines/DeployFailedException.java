package dev.flyregistry.machines;

import dev.flyregistry.FlyException;
import java.util.Objects;

/**
 * A deploy failed partway: {@link #result()} says, machine by machine, which run the new image and
 * which do not. Every lease the deploy took has been released and the release was marked {@code
 * failed}.
 */
public class DeployFailedException extends FlyException {
  private static final long serialVersionUID = 1L;

  private final transient DeployResult result;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param result the outcome of each machine
   * @param cause the failure that stopped the deploy
   */
  public DeployFailedException(String message, DeployResult result, Throwable cause) {
    super(message, cause);
    this.result = Objects.requireNonNull(result, "result");
  }

  /**
   * @return the outcome of each machine and the release
   */
  public DeployResult result() {
    return result;
  }
}
