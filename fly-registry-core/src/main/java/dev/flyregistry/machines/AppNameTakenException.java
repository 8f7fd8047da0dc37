package dev.flyregistry.machines;

/**
 * The app name is already taken (the Machines API answered {@code name_taken}), or every generated
 * name tried by {@link Apps#createWithGeneratedName(String)} was taken.
 */
public class AppNameTakenException extends MachinesApiException {
  private static final long serialVersionUID = 1L;

  /** The name that was taken. */
  private final String appName;

  /**
   * Refines a generic API error.
   *
   * @param appName the name that is taken
   * @param from the API error
   */
  public AppNameTakenException(String appName, MachinesApiException from) {
    super("app name '" + appName + "' is already taken: " + from.getMessage(), from);
    this.appName = appName;
  }

  /**
   * Creates the error for a name generation that ran out of attempts.
   *
   * @param message what happened
   * @param lastName the last name tried
   * @param last the last {@code name_taken} error
   */
  public AppNameTakenException(String message, String lastName, MachinesApiException last) {
    super(message, last);
    this.appName = lastName;
  }

  /**
   * @return the name that is taken (the last one tried, for generated names)
   */
  public String appName() {
    return appName;
  }
}
