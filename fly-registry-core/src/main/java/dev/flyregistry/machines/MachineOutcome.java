package dev.flyregistry.machines;

import java.util.Objects;
import java.util.Optional;

/**
 * What a deploy did to one machine.
 *
 * @param machineId the machine
 * @param status what happened
 * @param previousImage the image the machine ran before, when known
 * @param error why it failed, when it did
 */
public record MachineOutcome(
    String machineId, Status status, Optional<String> previousImage, Optional<String> error) {

  /** What happened to a machine. */
  public enum Status {
    /** The machine's configuration holds the new image and it reached {@code started}. */
    UPDATED,
    /** The configuration holds the new image, but the machine did not reach {@code started}. */
    NOT_STARTED,
    /**
     * The update failed; the machine keeps its previous configuration. (When the update's answer
     * left that open, the deploy read the machine again to tell; if that read failed too, its error
     * is a suppressed exception of the {@link DeployFailedException}'s cause.)
     */
    FAILED,
    /** Not attempted, because the deploy stopped at an earlier machine. */
    SKIPPED
  }

  /**
   * Checks that no component is null.
   *
   * @param machineId the machine
   * @param status what happened
   * @param previousImage the image the machine ran before, when known
   * @param error why it failed, when it did
   */
  public MachineOutcome {
    Objects.requireNonNull(machineId, "machineId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(previousImage, "previousImage");
    Objects.requireNonNull(error, "error");
  }

  /**
   * @return whether the machine runs the new image (updated and started)
   */
  public boolean runsNewImage() {
    return status == Status.UPDATED;
  }

  /**
   * @return whether the machine's configuration holds the new image (started or not)
   */
  public boolean hasNewImage() {
    return status == Status.UPDATED || status == Status.NOT_STARTED;
  }
}
