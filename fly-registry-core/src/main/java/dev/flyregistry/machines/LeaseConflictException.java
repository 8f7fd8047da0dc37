package dev.flyregistry.machines;

/**
 * A machine's lease is held by someone else (another deploy or flyctl), so it cannot be changed
 * now.
 */
public class LeaseConflictException extends MachinesApiException {
  private static final long serialVersionUID = 1L;

  /** The machine whose lease is held by someone else. */
  private final String machineId;

  /**
   * Refines a generic API error.
   *
   * @param machineId the machine whose lease is held
   * @param from the API error (status 409)
   */
  public LeaseConflictException(String machineId, MachinesApiException from) {
    super("machine " + machineId + " is leased by someone else: " + from.getMessage(), from);
    this.machineId = machineId;
  }

  /**
   * @return the machine whose lease is held
   */
  public String machineId() {
    return machineId;
  }
}
