package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.InvalidReferenceException;

/** Reference parsing for commands: a malformed reference is a usage error. */
final class Refs {
  private Refs() {}

  static ImageReference parse(BaseCommand command, String what, String text) {
    try {
      return ImageReference.parse(text);
    } catch (InvalidReferenceException e) {
      throw command.usage(what + ": " + e.getMessage());
    }
  }

  static ImageReference parseDocker(BaseCommand command, String what, String text) {
    try {
      return ImageReference.parseDocker(text);
    } catch (InvalidReferenceException e) {
      throw command.usage(what + ": " + e.getMessage());
    }
  }
}
