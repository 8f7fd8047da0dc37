package dev.flyregistry.testing;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Property tests on plain JUnit: {@link #forAll} runs a check on many generated cases, each from
 * its own seeded {@link Random}, and a failure names the seed that replays it.
 *
 * <p>Every run starts from a fresh seed, so the suites explore new cases over time. To replay a
 * failure, rerun the test with {@code -Dflyreg.samples.seed=<seed from the message>}: the check
 * then runs on that one case only. The generators here give the noise that parsers must survive:
 * any UTF-16 text (with surrogates, controls and unpaired halves), any bytes, and the edge cases
 * (empty, one space, NUL) a little more often than chance would.
 */
public final class Samples {
  /** The number of cases each property in this project checks. */
  public static final int TRIES = 10_000;

  /** The system property that replays one case. */
  public static final String SEED_PROPERTY = "flyreg.samples.seed";

  private static final List<String> EDGE_STRINGS =
      List.of("", " ", "\u0000", "\uD800", "\uFFFF", "é", "\n", "0", "-1");

  private Samples() {}

  /**
   * Runs {@code check} on {@code tries} cases, each given a {@link Random} of its own seed. The
   * first case that fails ends the run with an {@link AssertionError} that says which case it was,
   * its seed and how to replay it, caused by the original failure.
   */
  public static void forAll(int tries, Consumer<Random> check) {
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be at least 1, was " + tries);
    }
    String replay = System.getProperty(SEED_PROPERTY);
    if (replay != null && !replay.isBlank()) {
      long seed = parseSeed(replay.trim());
      run(check, seed, "replayed case");
      return;
    }
    long base = ThreadLocalRandom.current().nextLong();
    for (int i = 0; i < tries; i++) {
      run(check, caseSeed(base, i), "case " + (i + 1) + " of " + tries);
    }
  }

  /** {@link #forAll(int, Consumer)} with {@link #TRIES} cases. */
  public static void forAll(Consumer<Random> check) {
    forAll(TRIES, check);
  }

  private static void run(Consumer<Random> check, long seed, String which) {
    try {
      check.accept(new Random(seed));
    } catch (AssertionError | RuntimeException e) {
      String hex = "0x" + Long.toHexString(seed);
      throw new AssertionError(
          "property failed on "
              + which
              + " (seed "
              + hex
              + "; replay it with -D"
              + SEED_PROPERTY
              + "="
              + hex
              + "): "
              + e,
          e);
    }
  }

  /** The seed of case {@code i}: a SplitMix64 step, so neighbouring cases are unrelated. */
  static long caseSeed(long base, int i) {
    long z = base + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long parseSeed(String text) {
    try {
      if (text.startsWith("0x") || text.startsWith("0X")) {
        return Long.parseUnsignedLong(text.substring(2), 16);
      }
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          SEED_PROPERTY + " must be a seed such as 0x1f2e3d, was '" + text + "'", e);
    }
  }

  /**
   * Any text of up to 255 UTF-16 units: mostly characters from the whole range (surrogate halves,
   * controls and non-characters included), sometimes ASCII only, sometimes an edge case.
   */
  public static String noise(Random r) {
    int kind = r.nextInt(20);
    if (kind == 0) {
      return EDGE_STRINGS.get(r.nextInt(EDGE_STRINGS.size()));
    }
    int n = r.nextInt(256);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(kind < 8 ? (char) (0x20 + r.nextInt(0x5f)) : (char) r.nextInt(0x10000));
    }
    return b.toString();
  }

  /** Any bytes, up to 255 of them; sometimes none. */
  public static byte[] noiseBytes(Random r) {
    byte[] bytes = new byte[r.nextInt(20) == 0 ? 0 : r.nextInt(256)];
    r.nextBytes(bytes);
    return bytes;
  }

  /** {@code min} to {@code max} (both included) characters drawn from {@code alphabet}. */
  public static String chars(Random r, String alphabet, int min, int max) {
    int n = between(r, min, max);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** An int from {@code min} to {@code max}, both included. */
  public static int between(Random r, int min, int max) {
    return min + r.nextInt(max - min + 1);
  }

  /** A long from {@code min} to {@code max}, both included. */
  public static long between(Random r, long min, long max) {
    long span = max - min;
    if (span < 0 || span == Long.MAX_VALUE) {
      // the range is wider than a long can count: draw until a value falls inside
      long v;
      do {
        v = r.nextLong();
      } while (v < min || v > max);
      return v;
    }
    return min + Math.floorMod(r.nextLong(), span + 1);
  }

  /** One of {@code values}, each as likely. */
  @SafeVarargs
  public static <T> T oneOf(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }
}
