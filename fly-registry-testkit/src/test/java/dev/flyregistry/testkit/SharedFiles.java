package dev.flyregistry.testkit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the workspace's reference files ({@code ../shared} next to the project root). Absent files
 * skip the test, except under CI ({@code CI=true}) where they fail it.
 */
final class SharedFiles {
  private SharedFiles() {}

  static Path require(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    String message =
        "reference file shared/" + relative + " not found next to the project (../shared)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + "; it is required under CI");
    }
    assumeTrue(false, message + "; skipping");
    throw new AssertionError("unreachable");
  }
}
