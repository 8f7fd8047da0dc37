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
