package dev.flyregistry.machines;

/**
 * The Machines API answered 404: the app or machine an operation needs does not exist (or is not
 * visible to the token). Lookups ({@code get}) answer {@code Optional.empty()} instead.
 */
public class MachinesNotFoundException extends MachinesApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Refines a generic API error.
   *
   * @param from the API error (status 404)
   */
  public MachinesNotFoundException(MachinesApiException from) {
    super(from.getMessage(), from);
  }
}
