package dev.flyregistry.testkit.internal;

import java.util.UUID;

/** Upload session IDs. */
final class UUIDs {
  private UUIDs() {}

  static String next() {
    return UUID.randomUUID().toString();
  }
}
