package dev.flyregistry.machines;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link MachinesClient#deploy(String, String)}: the release recorded for it and
 * what happened to each machine.
 *
 * @param app the app deployed to
 * @param image the image deployed
 * @param releaseId the ID of the release record, when one was created
 * @param releaseVersion the release version, when the release API returned it
 * @param releaseStatus the final status written to the release record ({@code complete} or {@code
 *     failed}); empty when the record could not be finished
 * @param machines each machine's outcome, in deploy order
 */
public record DeployResult(
    String app,
    String image,
    Optional<String> releaseId,
    Optional<Integer> releaseVersion,
    Optional<String> releaseStatus,
    List<MachineOutcome> machines) {

  /**
   * Copies the machine list and checks that no component is null.
   *
   * @param app the app deployed to
   * @param image the image deployed
   * @param releaseId the ID of the release record, when one was created
   * @param releaseVersion the release version, when the release API returned it
   * @param releaseStatus the final status written to the release record ({@code complete} or {@code
   *     failed}); empty when the record could not be finished
   * @param machines each machine's outcome, in deploy order
   */
  public DeployResult {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(releaseId, "releaseId");
    Objects.requireNonNull(releaseVersion, "releaseVersion");
    Objects.requireNonNull(releaseStatus, "releaseStatus");
    machines = List.copyOf(machines);
  }

  /**
   * @return whether every machine runs the new image
   */
  public boolean succeeded() {
    return !machines.isEmpty() && machines.stream().allMatch(MachineOutcome::runsNewImage);
  }

  /**
   * @return the IDs of the machines running the new image
   */
  public List<String> updatedMachines() {
    return machines.stream()
        .filter(MachineOutcome::runsNewImage)
        .map(MachineOutcome::machineId)
        .toList();
  }

  /**
   * @return the IDs of the machines not running the new image (failed, not started or skipped)
   */
  public List<String> notUpdatedMachines() {
    return machines.stream().filter(m -> !m.runsNewImage()).map(MachineOutcome::machineId).toList();
  }
}
