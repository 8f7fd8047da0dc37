package dev.flyregistry.graphql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** How {@link DocumentsSchemaTest} finds the schema, and what it does when it is absent. */
class SchemaLookupTest {
  @TempDir Path tmp;

  @Test
  void findsTheSchemaBesideAnAncestor() throws Exception {
    Path schema = tmp.resolve("shared/fly/schema.graphql");
    Files.createDirectories(schema.getParent());
    Files.writeString(schema, "type Queries { x: Int }");
    Path module = Files.createDirectories(tmp.resolve("repo/module"));

    assertThat(DocumentsSchemaTest.findSchema(module)).contains(schema.toAbsolutePath());
  }

  @Test
  void absentSchemaSkipsLocallyAndFailsUnderCi() {
    Path nowhere = tmp.resolve("lonely/clone");
    // Only meaningful when no ancestor of the temp dir holds the schema.
    Optional<Path> found = DocumentsSchemaTest.findSchema(nowhere);
    assertThat(found).isEmpty();

    assertThatThrownBy(() -> DocumentsSchemaTest.schemaOrSkip(found, null))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("schema.graphql")
        .hasMessageContaining("absent");
    assertThatThrownBy(() -> DocumentsSchemaTest.schemaOrSkip(found, "true"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("CI=true");
  }
}
