package dev.flyregistry.graphql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import graphql.validation.ValidationError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every document the SDK sends must be valid against Fly's schema ({@code ../shared/fly/}). */
class DocumentsSchemaTest {
  private static final String SCHEMA = "shared/fly/schema.graphql";
  private static GraphQLSchema schema;

  /**
   * The schema beside the repository: walk up from {@code start} (the module directory when Maven
   * runs the tests) until a directory holds {@code shared/fly/schema.graphql}.
   */
  static Optional<Path> findSchema(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SCHEMA);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The schema file, or a skipped test when it is absent, or a failed one when it is absent under
   * CI.
   */
  static Path schemaOrSkip(Optional<Path> file, String ciVariable) {
    if (file.isPresent()) {
      return file.get();
    }
    String message =
        "Fly's GraphQL schema (../"
            + SCHEMA
            + " beside the repository) is absent; the query documents were not validated";
    if ("true".equalsIgnoreCase(ciVariable)) {
      Assertions.fail(message + " (CI=true: the schema is required)");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  @BeforeAll
  static void loadSchema() throws Exception {
    Path file = schemaOrSkip(findSchema(Path.of("")), System.getenv("CI"));
    schema =
        UnExecutableSchemaGenerator.makeUnExecutableSchema(
            new SchemaParser().parse(Files.readString(file)));
  }

  static List<ValidationError> validate(String text) {
    Document document = Parser.parse(text);
    return graphql.ParseAndValidate.validate(schema, document, Locale.ENGLISH);
  }

  @TestFactory
  Stream<DynamicTest> everyDocumentIsValidAgainstTheSchema() {
    Map<String, String> all = Documents.all();
    assertThat(all).isNotEmpty();
    return all.entrySet().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.getKey(),
                    () -> {
                      assertThat(validate(e.getValue())).as(e.getKey()).isEmpty();
                      assertThat(
                              Parser.parse(e.getValue())
                                  .getDefinitionsOfType(OperationDefinition.class))
                          .as("%s holds exactly one query", e.getKey())
                          .singleElement()
                          .satisfies(
                              op ->
                                  assertThat(op.getOperation())
                                      .isEqualTo(OperationDefinition.Operation.QUERY));
                    }));
  }

  @Test
  void allFindsEveryDocumentTheQueriesUse() {
    assertThat(Documents.all())
        .containsOnlyKeys(
            "RELEASES", "RELEASES_PAGE", "CURRENT_RELEASE", "RESOLVE_IMAGE", "APP_NAME_AVAILABLE");
  }

  @Test
  void theValidatorCatchesAFieldTheSchemaLacks() {
    String broken = Documents.RELEASES.replace("imageRef", "imageTag");
    assertThat(validate(broken)).isNotEmpty();
    String wrongVariable = Documents.RESOLVE_IMAGE.replace("$ref: String!", "$ref: Int!");
    assertThat(validate(wrongVariable)).isNotEmpty();
  }

  @Test
  void documentedQueryIsVerbatimButForPageInfo() {
    // the guide's query, plus what a page cut short by a server-side cap needs to be continued
    assertThat(Documents.RELEASES.replace(" pageInfo { hasNextPage endCursor }", ""))
        .isEqualTo(
            "query($appName: String!, $limit: Int!) { app(name: $appName) { releases:"
                + " releasesUnprocessed(first: $limit) { nodes { id version description reason"
                + " status imageRef stable user { id email name } createdAt } } } }");
    assertThat(Documents.RELEASES).contains("createdAt } pageInfo { hasNextPage endCursor } }");
  }
}
