package dev.flyregistry.machines;

/**
 * An app name breaks a rule of Fly app names (a DNS label: {@code [a-z0-9-]}, 1 to 63 characters,
 * no leading or trailing {@code -}). Thrown before any request is sent; {@link #rule()} says which
 * rule failed.
 */
public class InvalidAppNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The rule an app name broke. */
  public enum Rule {
    /** The name is empty. */
    EMPTY,
    /** The name is longer than 63 characters. */
    TOO_LONG,
    /** The name holds a character other than {@code a-z}, {@code 0-9} and {@code -}. */
    INVALID_CHARACTER,
    /** The name starts or ends with {@code -}. */
    LEADING_OR_TRAILING_HYPHEN
  }

  /** The refused name. */
  private final String name;

  /** The rule the name breaks. */
  private final Rule rule;

  /**
   * Creates the exception.
   *
   * @param name the rejected name
   * @param rule the rule it broke
   * @param message what is wrong and where
   */
  public InvalidAppNameException(String name, Rule rule, String message) {
    super(message);
    this.name = name;
    this.rule = rule;
  }

  /**
   * @return the rejected name
   */
  public String name() {
    return name;
  }

  /**
   * @return the rule it broke
   */
  public Rule rule() {
    return rule;
  }
}
