package dev.flyregistry.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void bearerWithQuotedParameters() {
    List<Challenge> cs =
        Challenge.parse(
            "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
                + "scope=\"repository:app:pull,push\"");
    assertThat(cs).hasSize(1);
    Challenge c = cs.get(0);
    assertThat(c.is("bearer")).isTrue();
    assertThat(c.params())
        .containsExactly(
            Map.entry("realm", "https://auth.example.com/token"),
            Map.entry("service", "registry.example.com"),
            Map.entry("scope", "repository:app:pull,push"));
    assertThat(c.token68()).isEmpty();
  }

  @Test
  void severalChallengesInOneHeaderWithCommasInsideQuotes() {
    List<Challenge> cs =
        Challenge.parse(
            "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\", please\", Basic"
                + " realm=\"simple\"");
    assertThat(cs).extracting(Challenge::scheme).containsExactly("Newauth", "Basic");
    assertThat(cs.get(0).params())
        .containsEntry("realm", "apps")
        .containsEntry("type", "1")
        .containsEntry("title", "Login to \"apps\", please");
    assertThat(cs.get(1).param("REALM")).contains("simple");
  }

  @Test
  void challengesAcrossSeveralHeaders() {
    List<Challenge> cs =
        Challenge.parse(List.of("Basic realm=\"a\"", "Bearer realm=\"https://t/\",service=s"));
    assertThat(cs).extracting(Challenge::scheme).containsExactly("Basic", "Bearer");
    assertThat(cs.get(1).param("service")).contains("s");
  }

  @Test
  void schemeAndParameterNamesInAnyCaseAndWhitespaceAroundEquals() {
    Challenge c = Challenge.parse("BEARER  Realm = \"https://t/\" ,  SERVICE=reg").get(0);
    assertThat(c.is("Bearer")).isTrue();
    assertThat(c.param("realm")).contains("https://t/");
    assertThat(c.param("service")).contains("reg");
  }

  @Test
  void token68WithPaddingAndFollowingChallenge() {
    List<Challenge> cs = Challenge.parse("Negotiate YIIB+w/abc==, Basic realm=x");
    assertThat(cs).hasSize(2);
    assertThat(cs.get(0).token68()).contains("YIIB+w/abc==");
    assertThat(cs.get(0).params()).isEmpty();
    assertThat(cs.get(1).param("realm")).contains("x");
  }

  @Test
  void bareSchemesWithoutParameters() {
    List<Challenge> cs = Challenge.parse("Basic, Bearer realm=\"r\"");
    assertThat(cs).extracting(Challenge::scheme).containsExactly("Basic", "Bearer");
    assertThat(cs.get(0).params()).isEmpty();
  }

  @Test
  void errorAndScopeWithSpacesInsideQuotes() {
    Challenge c =
        Challenge.parse(
                "Bearer realm=\"https://t/token\",service=\"svc\",scope=\"repository:a:pull"
                    + " repository:b:pull,push\",error=\"insufficient_scope\"")
            .get(0);
    assertThat(c.param("scope")).contains("repository:a:pull repository:b:pull,push");
    assertThat(c.param("error")).contains("insufficient_scope");
  }

  @Test
  void emptyListElementsAndGarbageAreSkipped() {
    List<Challenge> cs = Challenge.parse(" , ,Basic realm=\"a\",, =junk, Bearer realm=\"b\"");
    assertThat(cs).extracting(Challenge::scheme).contains("Basic", "Bearer");
    assertThat(Challenge.find(cs, "bearer").flatMap(c -> c.param("realm"))).contains("b");
  }

  @Test
  void unterminatedQuoteDoesNotThrow() {
    List<Challenge> cs = Challenge.parse("Bearer realm=\"https://t/");
    assertThat(cs).hasSize(1);
    assertThat(cs.get(0).is("Bearer")).isTrue();
  }

  @Test
  void emptyAndNullHeaders() {
    assertThat(Challenge.parse("")).isEmpty();
    assertThat(Challenge.parse(java.util.Arrays.asList((String) null))).isEmpty();
  }

  @Test
  void firstOccurrenceOfAParameterWins() {
    Challenge c = Challenge.parse("Bearer realm=\"first\", realm=\"second\"").get(0);
    assertThat(c.param("realm")).contains("first");
  }

  @Test
  void toStringHidesToken68() {
    Challenge c = Challenge.parse("Negotiate c2VjcmV0").get(0);
    assertThat(c.toString()).doesNotContain("c2VjcmV0");
  }
}
