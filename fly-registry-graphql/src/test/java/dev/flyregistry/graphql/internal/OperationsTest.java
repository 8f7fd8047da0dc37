package dev.flyregistry.graphql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperationsTest {
  @Test
  void queriesAreSafeToRepeat() {
    assertThat(Operations.mayMutate("{ viewer { id } }")).isFalse();
    assertThat(Operations.mayMutate("query Q($mutation: String) { app(name: $mutation) { id } }"))
        .isFalse();
    assertThat(Operations.mayMutate("query { app(name: \"mutation\") { id } }")).isFalse();
    assertThat(Operations.mayMutate("# mutation in a comment\nquery { a }")).isFalse();
    assertThat(Operations.mayMutate("query { a(x: \"\"\"mutation { x }\"\"\") }")).isFalse();
    assertThat(Operations.mayMutate("fragment F on Mutations { x } query { ...F }")).isFalse();
    for (String doc : Documents.all().values()) {
      assertThat(Operations.mayMutate(doc)).as(doc).isFalse();
    }
  }

  @Test
  void mutationsAndSubscriptionsAreNot() {
    assertThat(Operations.mayMutate("mutation { deleteApp(appId: \"a\") { x } }")).isTrue();
    assertThat(Operations.mayMutate("  mutation M($i: X!) { m(input: $i) { x } }")).isTrue();
    assertThat(Operations.mayMutate("query A { a } mutation B { b }")).isTrue();
    assertThat(Operations.mayMutate("subscription { s }")).isTrue();
  }
}
