package dev.flyregistry.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseFormatterTest {
  static Release release(
      int version, String status, String desc, String email, Instant at, String image) {
    return new Release(
        "id" + version,
        version,
        desc,
        "deploy",
        status,
        Optional.ofNullable(image),
        true,
        email == null
            ? Optional.empty()
            : Optional.of(new ReleaseUser("u1", email, Optional.empty())),
        at);
  }

  final List<Release> releases =
      List.of(
          release(
              9,
              "complete",
              "Deploy image",
              "ann@example.com",
              Instant.parse("2026-11-27T20:00:00Z"),
              "registry.fly.io/app:v9"),
          release(10, "failed", "Deploy\nimage", null, Instant.parse("2026-11-27T21:59:30Z"), null),
          release(
              11,
              "running",
              "Scale",
              "bo@example.com",
              Instant.parse("2026-10-01T00:00:00Z"),
              "registry.fly.io/app:deployment-01HXYZ"));

  @Test
  void tableLooksLikeFlyReleasesImage() {
    String table = ReleaseFormatter.absoluteDates().table(releases);

    assertThat(table)
        .isEqualTo(
            "VERSION   STATUS     DESCRIPTION    USER              DATE                   DOCKER IMAGE\n"
                + "v11       running    Scale          bo@example.com    2026-10-01T00:00:00Z   registry.fly.io/app:deployment-01HXYZ\n"
                + "v10       failed     Deploy image                     2026-11-27T21:59:30Z\n"
                + "v9        complete   Deploy image   ann@example.com   2026-11-27T20:00:00Z   registry.fly.io/app:v9\n");
  }

  @Test
  void relativeDatesFollowTheClock() {
    Clock now = Clock.fixed(Instant.parse("2026-11-27T22:00:00Z"), ZoneOffset.UTC);

    String table = ReleaseFormatter.relativeDates(now).table(releases);

    String header = table.lines().findFirst().orElseThrow();
    int from = header.indexOf("DATE");
    int to = header.indexOf("DOCKER IMAGE");
    assertThat(table.lines().skip(1).map(l -> l.substring(from, Math.min(to, l.length())).strip()))
        .containsExactly("2026-10-01", "30s ago", "2h ago");
  }

  /**
   * The terminal column at which {@code part} starts in {@code line}, for the text of these tests:
   * kana take two columns, combining marks none, everything else one.
   */
  static int column(String line, String part) {
    return line.substring(0, line.indexOf(part))
        .codePoints()
        .map(c -> Character.getType(c) == Character.NON_SPACING_MARK ? 0 : c >= 0x3040 ? 2 : 1)
        .sum();
  }

  @Test
  void wideAndCombiningCharactersKeepTheColumnsAligned() {
    Instant at = Instant.parse("2026-11-27T20:00:00Z");
    List<Release> wide =
        List.of(
            release(3, "complete", "デプロイ", "ann@example.com", at, "registry.fly.io/app:v3"),
            release(2, "complete", "Cafe\u0301", "bo@example.com", at, "registry.fly.io/app:v2"),
            release(1, "complete", "Ship it now", "cy@example.com", at, "registry.fly.io/app:v1"));

    List<String> lines = ReleaseFormatter.absoluteDates().table(wide).lines().toList();

    // "デプロイ" takes eight terminal columns, "Café" (with a combining accent) four.
    assertThat(lines.get(1)).startsWith("v3        complete   デプロイ      ann@example.com   ");
    assertThat(lines.get(2))
        .startsWith("v2        complete   Cafe\u0301          bo@example.com    ");
    assertThat(lines.get(3)).startsWith("v1        complete   Ship it now   cy@example.com    ");
    List<String> emails = List.of("ann@", "bo@", "cy@");
    for (int row = 1; row < lines.size(); row++) {
      String line = lines.get(row);
      assertThat(column(line, emails.get(row - 1)))
          .as(line)
          .isEqualTo(column(lines.get(0), "USER"));
      assertThat(column(line, "2026-")).as(line).isEqualTo(column(lines.get(0), "DATE"));
      assertThat(column(line, "registry.")).as(line).isEqualTo(column(lines.get(0), "DOCKER"));
    }
  }

  @Test
  void theImageColumnCanBeLeftOut() {
    ReleaseFormatter plain = ReleaseFormatter.absoluteDates().withImageColumn(false);
    List<Release> wide =
        List.of(
            release(
                2, "complete", "デプロイ", "ann@example.com", Instant.EPOCH, "registry.fly.io/a:v2"),
            release(
                1, "complete", "Deploy", "bo@example.com", Instant.EPOCH, "registry.fly.io/a:v1"));

    assertThat(plain.table(wide))
        .isEqualTo(
            "VERSION   STATUS     DESCRIPTION   USER              DATE\n"
                + "v2        complete   デプロイ      ann@example.com   1970-01-01T00:00:00Z\n"
                + "v1        complete   Deploy        bo@example.com    1970-01-01T00:00:00Z\n");
    assertThat(plain.table(List.of())).isEqualTo("VERSION   STATUS   DESCRIPTION   USER   DATE\n");
    assertThat(plain.withImageColumn(true).table(wide)).contains("DOCKER IMAGE", "a:v2");
  }

  @Test
  void controlCharactersAndOtherLineBreaksPrintAsSpaces() {
    Instant at = Instant.parse("2026-11-27T20:00:00Z");
    String description =
        "Deploy\u001B[2J\u001B]0;owned\u0007image\u2028v2\u000Bnow\u0085\u202Eok\fdone";
    List<Release> odd =
        List.of(
            release(2, "complete", description, "ann@example.com", at, "registry.fly.io/app:v2"));

    String table = ReleaseFormatter.absoluteDates().table(odd);

    assertThat(table.lines()).hasSize(2);
    assertThat(table.lines().skip(1).findFirst().orElseThrow())
        .isEqualTo(
            "v2        complete   Deploy [2J ]0;owned image v2 now ok done   ann@example.com"
                + "   2026-11-27T20:00:00Z   registry.fly.io/app:v2");
    assertThat(table.codePoints())
        .noneMatch(
            c ->
                c != '\n'
                    && (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT));
  }

  @Test
  void emptyListPrintsTheHeader() {
    assertThat(ReleaseFormatter.absoluteDates().table(List.of()))
        .isEqualTo("VERSION   STATUS   DESCRIPTION   USER   DATE   DOCKER IMAGE\n");
  }

  @Test
  void jsonHoldsEveryFieldNewestFirst() throws Exception {
    String json = ReleaseFormatter.absoluteDates().json(releases);

    JsonNode array = Fixtures.JSON.readTree(json);
    assertThat(array).hasSize(3);
    assertThat(array.get(0).get("version").asInt()).isEqualTo(11);
    assertThat(array.get(0).get("imageRef").asText())
        .isEqualTo("registry.fly.io/app:deployment-01HXYZ");
    assertThat(array.get(0).get("user").get("email").asText()).isEqualTo("bo@example.com");
    assertThat(array.get(0).get("user").get("name").isNull()).isTrue();
    assertThat(array.get(0).get("createdAt").asText()).isEqualTo("2026-10-01T00:00:00Z");
    assertThat(array.get(1).get("imageRef").isNull()).isTrue();
    assertThat(array.get(1).get("user").isNull()).isTrue();
    assertThat(array.get(1).get("description").asText()).isEqualTo("Deploy\nimage");
    assertThat(array.get(2).get("status").asText()).isEqualTo("complete");
    assertThat(array.get(2).get("stable").asBoolean()).isTrue();
  }
}
