package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's complete test is the compiled and executed {@code com.example.ImageWorkflowTest}.
 */
class ReadmeTest {
  @Test
  void readmeShowsTheExampleTestVerbatim() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String example = Files.readString(Path.of("src/test/java/com/example/ImageWorkflowTest.java"));
    assertThat(readme).contains("```java\n" + example + "```");
  }
}
