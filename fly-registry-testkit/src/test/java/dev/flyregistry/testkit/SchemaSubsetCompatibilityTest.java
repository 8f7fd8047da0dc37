package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.testkit.internal.GraphqlEngine;
import graphql.language.AstPrinter;
import graphql.language.FieldDefinition;
import graphql.language.InputValueDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.ScalarTypeDefinition;
import graphql.language.TypeDefinition;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The emulator's schema subset must be a subset of Fly's schema: every type, field and argument
 * exists there with the same type.
 */
class SchemaSubsetCompatibilityTest {

  private static TypeDefinitionRegistry subset() throws IOException {
    try (Reader r = GraphqlEngine.readSchema()) {
      return new SchemaParser().parse(r);
    }
  }

  @Test
  void everyTypeFieldAndArgumentExistsInFlysSchemaWithTheSameType() throws IOException {
    Path file = SharedFiles.require("fly/schema.graphql");
    TypeDefinitionRegistry fly = new SchemaParser().parse(Files.readString(file));
    TypeDefinitionRegistry ours = subset();
    List<String> problems = new ArrayList<>();
    int fields = 0;

    assertThat(ours.schemaDefinition()).isPresent();
    String ourQuery =
        ours.schemaDefinition().get().getOperationTypeDefinitions().get(0).getTypeName().getName();
    String flyQuery =
        fly.schemaDefinition().orElseThrow().getOperationTypeDefinitions().stream()
            .filter(o -> o.getName().equals("query"))
            .findFirst()
            .orElseThrow()
            .getTypeName()
            .getName();
    if (!ourQuery.equals(flyQuery)) {
      problems.add("query root is " + ourQuery + ", Fly's is " + flyQuery);
    }

    for (TypeDefinition<?> t : ours.types().values()) {
      Optional<TypeDefinition> theirs = fly.getType(t.getName());
      if (theirs.isEmpty()) {
        problems.add("type " + t.getName() + " is not in Fly's schema");
        continue;
      }
      if (t instanceof ObjectTypeDefinition o) {
        if (!(theirs.get() instanceof ObjectTypeDefinition their)) {
          problems.add(t.getName() + " is an object type here but not in Fly's schema");
          continue;
        }
        for (FieldDefinition f : o.getFieldDefinitions()) {
          fields++;
          Optional<FieldDefinition> tf =
              their.getFieldDefinitions().stream()
                  .filter(x -> x.getName().equals(f.getName()))
                  .findFirst();
          if (tf.isEmpty()) {
            problems.add(t.getName() + "." + f.getName() + " is not in Fly's schema");
            continue;
          }
          String ourType = AstPrinter.printAst(f.getType());
          String theirType = AstPrinter.printAst(tf.get().getType());
          if (!ourType.equals(theirType)) {
            problems.add(
                t.getName() + "." + f.getName() + " is " + ourType + ", Fly's is " + theirType);
          }
          for (InputValueDefinition a : f.getInputValueDefinitions()) {
            Optional<InputValueDefinition> ta =
                tf.get().getInputValueDefinitions().stream()
                    .filter(x -> x.getName().equals(a.getName()))
                    .findFirst();
            if (ta.isEmpty()) {
              problems.add(t.getName() + "." + f.getName() + "(" + a.getName() + ") is unknown");
            } else if (!AstPrinter.printAst(a.getType())
                .equals(AstPrinter.printAst(ta.get().getType()))) {
              problems.add(
                  t.getName()
                      + "."
                      + f.getName()
                      + "("
                      + a.getName()
                      + ") is "
                      + AstPrinter.printAst(a.getType())
                      + ", Fly's is "
                      + AstPrinter.printAst(ta.get().getType()));
            }
          }
        }
      }
    }
    for (ScalarTypeDefinition s : ours.scalars().values()) {
      if (!fly.scalars().containsKey(s.getName())) {
        problems.add("scalar " + s.getName() + " is not in Fly's schema");
      }
    }
    assertThat(problems).isEmpty();
    assertThat(fields).isGreaterThan(30);
  }

  @Test
  void aFieldFlyLacksWouldBeReported() throws IOException {
    Path file = SharedFiles.require("fly/schema.graphql");
    TypeDefinitionRegistry fly = new SchemaParser().parse(Files.readString(file));
    ObjectTypeDefinition app = (ObjectTypeDefinition) fly.getType("App").orElseThrow();
    assertThat(app.getFieldDefinitions())
        .extracting(FieldDefinition::getName)
        .contains("releasesUnprocessed", "image", "currentReleaseUnprocessed")
        .doesNotContain("imageTags");
  }
}
