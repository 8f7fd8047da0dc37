package dev.flyregistry.machines;

/** A machine did not reach the awaited state within the wait timeout. */
public class MachineWaitTimeoutException extends MachinesApiException {
  private static final long serialVersionUID = 1L;

  /** The machine waited for. */
  private final String machineId;

  /** The state it did not reach. */
  private final String state;

  /**
   * Refines a generic API error.
   *
   * @param machineId the machine waited for
   * @param state the state it did not reach
   * @param from the API error (status 408)
   */
  public MachineWaitTimeoutException(String machineId, String state, MachinesApiException from) {
    super(
        "machine "
            + machineId
            + " did not reach state '"
            + state
            + "' in time: "
            + from.getMessage(),
        from);
    this.machineId = machineId;
    this.state = state;
  }

  /**
   * @return the machine waited for
   */
  public String machineId() {
    return machineId;
  }

  /**
   * @return the state it did not reach
   */
  public String state() {
    return state;
  }
}
