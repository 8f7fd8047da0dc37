package dev.flyregistry.registry;

/**
 * A string is not a valid image reference. The message names the input, what is wrong and the
 * zero-based position where parsing stopped ({@link #index()}).
 */
public class InvalidReferenceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The rejected input. */
  private final String input;

  /** The zero-based position of the problem, or -1 for the whole input. */
  private final int index;

  /**
   * @param input the rejected input
   * @param index the zero-based position of the problem, or -1 when it concerns the whole input
   * @param problem what is wrong
   */
  public InvalidReferenceException(String input, int index, String problem) {
    super(
        "invalid image reference \""
            + input
            + "\": "
            + problem
            + (index >= 0 ? " (at position " + index + ")" : ""));
    this.input = input;
    this.index = index;
  }

  /**
   * @return the rejected input
   */
  public String input() {
    return input;
  }

  /**
   * @return the zero-based position of the problem, or -1 when it concerns the whole input
   */
  public int index() {
    return index;
  }
}
