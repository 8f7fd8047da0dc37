package dev.flyregistry.machines;

import dev.flyregistry.machines.InvalidAppNameException.Rule;
import java.util.Objects;

/**
 * A valid Fly app name: a DNS label of 1 to 63 characters from {@code a-z}, {@code 0-9} and {@code
 * -}, neither starting nor ending with {@code -}. Validation runs before any request is sent, so a
 * bad name never reaches the API.
 *
 * @param value the name
 */
public record AppName(String value) {
  /** The longest app name. */
  public static final int MAX_LENGTH = 63;

  /**
   * Validates the name.
   *
   * @throws InvalidAppNameException naming the rule that failed and where
   * @param value the name
   */
  public AppName {
    validate(value);
  }

  /**
   * Validates a name.
   *
   * @param value the name
   * @return the valid name
   * @throws InvalidAppNameException naming the rule that failed and where
   */
  public static AppName of(String value) {
    return new AppName(value);
  }

  /**
   * Checks a name against the rules of app names.
   *
   * @param value the name
   * @return the name, unchanged
   * @throws InvalidAppNameException naming the rule that failed and where
   */
  public static String validate(String value) {
    Objects.requireNonNull(value, "app name");
    if (value.isEmpty()) {
      throw new InvalidAppNameException(value, Rule.EMPTY, "app name is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidAppNameException(
          value,
          Rule.TOO_LONG,
          "app name '"
              + value
              + "' is "
              + value.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are allowed");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        String shown = c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
        throw new InvalidAppNameException(
            printable(value),
            Rule.INVALID_CHARACTER,
            "app name '"
                + printable(value)
                + "' has "
                + shown
                + " at index "
                + i
                + "; only lowercase letters a-z, digits 0-9 and '-' are allowed");
      }
    }
    if (value.charAt(0) == '-' || value.charAt(value.length() - 1) == '-') {
      throw new InvalidAppNameException(
          value,
          Rule.LEADING_OR_TRAILING_HYPHEN,
          "app name '" + value + "' must not start or end with '-'");
    }
    return value;
  }

  private static String printable(String value) {
    StringBuilder b = new StringBuilder();
    value
        .codePoints()
        .forEach(
            cp -> {
              if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\u%04X", cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return b.toString();
  }

  @Override
  public String toString() {
    return value;
  }
}
