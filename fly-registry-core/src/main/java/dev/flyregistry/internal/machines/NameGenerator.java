package dev.flyregistry.internal.machines;

import java.util.List;
import java.util.Random;

/**
 * Makes app names of the form {@code <adjective>-<noun>-<NNN>} from the SDK's own word lists. Every
 * name it makes is a valid app name.
 */
public final class NameGenerator {
  static final List<String> ADJECTIVES =
      List.of(
          "amber",
          "ancient",
          "bold",
          "brisk",
          "calm",
          "clever",
          "cosmic",
          "crimson",
          "curious",
          "daring",
          "dusty",
          "eager",
          "fancy",
          "fluffy",
          "gentle",
          "gilded",
          "glowing",
          "grand",
          "hidden",
          "humble",
          "icy",
          "jolly",
          "keen",
          "lively",
          "lucky",
          "mellow",
          "misty",
          "nimble",
          "noble",
          "odd",
          "patient",
          "plucky",
          "polished",
          "quiet",
          "rapid",
          "rustic",
          "shiny",
          "silent",
          "sleepy",
          "snowy",
          "spry",
          "steady",
          "sunny",
          "swift",
          "tidy",
          "velvet",
          "vivid",
          "wandering",
          "wild",
          "windy",
          "witty",
          "young",
          "zesty");

  static final List<String> NOUNS =
      List.of(
          "anchor", "badger", "beacon", "breeze", "brook", "canyon", "cedar", "cloud", "comet",
          "coral", "cove", "dune", "ember", "falcon", "fern", "field", "fjord", "forest", "glacier",
          "grove", "harbor", "hill", "island", "lagoon", "lantern", "maple", "meadow", "moon",
          "otter", "owl", "pebble", "pine", "planet", "prairie", "rain", "reef", "river", "sky",
          "sparrow", "spruce", "star", "stone", "summit", "sun", "thunder", "tide", "valley",
          "violet", "water", "wave", "willow", "wind", "wolf");

  private NameGenerator() {}

  /** A fresh name from the given source of randomness. */
  public static String generate(Random random) {
    return ADJECTIVES.get(random.nextInt(ADJECTIVES.size()))
        + "-"
        + NOUNS.get(random.nextInt(NOUNS.size()))
        + "-"
        + String.format("%03d", random.nextInt(1000));
  }
}
