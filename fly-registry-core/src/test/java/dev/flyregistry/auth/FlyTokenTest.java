package dev.flyregistry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlyTokenTest {
  private static final String M1 = "fm2_lJPECAAAAAAAAA7cxBBs1ecret";
  private static final String M2 = "fm1r_Zm9vYmFyc2VjcmV0";
  private static final String M3 = "fm1a_YWJjZGVmZ2hpams";
  private static final String USER = "fo1_Ab-cD_ef0123456789";

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(
      strings = {
        M1,
        "FlyV1 " + M1,
        "flyv1 " + M1,
        "FLYV1   " + M1,
        "Bearer " + M1,
        "bearer FlyV1 " + M1,
        "FlyV1 Bearer flyV1 " + M1,
        "  FlyV1\t" + M1 + "  \n",
      })
  void stripsStackedSchemesInAnyCase(String raw) {
    FlyToken t = FlyToken.parse(raw);
    assertThat(t.macaroons()).containsExactly(M1);
    assertThat(t.userTokens()).isEmpty();
    assertThat(t.registryPassword()).isEqualTo(M1);
    assertThat(t.apiAuthorization()).isEqualTo("FlyV1 " + M1);
  }

  @Test
  void splitsOnCommasAndTrimsEachPart() {
    FlyToken t = FlyToken.parse("FlyV1 " + M1 + " , " + M2 + ",,\t" + M3 + ",");
    assertThat(t.macaroons()).containsExactly(M1, M2, M3);
    assertThat(t.registryPassword()).isEqualTo(M1 + "," + M2 + "," + M3);
    assertThat(t.apiAuthorization()).isEqualTo("FlyV1 " + M1 + "," + M2 + "," + M3);
  }

  @Test
  void classifiesMacaroonsAndUserTokens() {
    FlyToken t = FlyToken.parse(USER + "," + M2);
    assertThat(t.macaroons()).containsExactly(M2);
    assertThat(t.userTokens()).containsExactly(USER);
    assertThat(t.hasMacaroons()).isTrue();
    // the API header carries every part; the registry password only the macaroons
    assertThat(t.apiAuthorization()).isEqualTo("FlyV1 " + M2 + "," + USER);
    assertThat(t.registryPassword()).isEqualTo(M2);
  }

  @Test
  void userTokenAloneUsesBearerAndIsTheRegistryPassword() {
    FlyToken t = FlyToken.parse("Bearer " + USER);
    assertThat(t.hasMacaroons()).isFalse();
    assertThat(t.userTokens()).containsExactly(USER);
    assertThat(t.apiAuthorization()).isEqualTo("Bearer " + USER);
    assertThat(t.registryPassword()).isEqualTo(USER);
  }

  @Test
  void prefixesAreCaseSensitiveAndExact() {
    // "FM2_" or "fm3_" are not macaroon prefixes
    FlyToken t = FlyToken.parse("FM2_abc,fm3_def");
    assertThat(t.macaroons()).isEmpty();
    assertThat(t.userTokens()).containsExactly("FM2_abc", "fm3_def");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "FlyV1", "Bearer ", "FlyV1 ,, ,", "bearer flyv1"})
  void rejectsEmptyTokens(String raw) {
    assertThatThrownBy(() -> FlyToken.parse(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void rejectsNullWithATypedError() {
    assertThatThrownBy(() -> FlyToken.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWhitespaceInsideAPartWithoutEchoingIt() {
    assertThatThrownBy(() -> FlyToken.parse(M1 + " " + "secretTail"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("part 1")
        .hasMessageNotContaining("secretTail")
        .hasMessageNotContaining(M1);
  }

  @Test
  void toStringNeverShowsTheToken() {
    FlyToken t = FlyToken.parse(USER + "," + M1 + "," + M2);
    String s = t.toString();
    assertThat(s).doesNotContain(M1).doesNotContain(M2).doesNotContain(USER);
    assertThat(s).doesNotContain("lJPECA").doesNotContain("fo1_").doesNotContain("fm2_");
    assertThat(s).contains("REDACTED").contains("macaroons=2").contains("userTokens=1");
  }

  @Test
  void equalityIgnoresSchemesAndSource() {
    assertThat(FlyToken.parse("FlyV1 " + M1)).isEqualTo(FlyToken.parse(M1));
    assertThat(FlyToken.parse(M1)).hasSameHashCodeAs(FlyToken.parse("bearer " + M1));
    assertThat(FlyToken.parse(M1)).isNotEqualTo(FlyToken.parse(M2));
  }

  @Test
  void environmentPrefersFlyAccessToken() throws IOException {
    writeFlyConfig("access_token: " + USER + "\n");
    FlyToken t =
        FlyToken.find(Map.of("FLY_ACCESS_TOKEN", "FlyV1 " + M1, "FLY_API_TOKEN", M2), home)
            .orElseThrow();
    assertThat(t.macaroons()).containsExactly(M1);
    assertThat(t.source()).isEqualTo("FLY_ACCESS_TOKEN");
  }

  @Test
  void environmentFallsBackToFlyApiToken() throws IOException {
    writeFlyConfig("access_token: " + USER + "\n");
    FlyToken t = FlyToken.find(Map.of("FLY_ACCESS_TOKEN", "  ", "FLY_API_TOKEN", M2), home).get();
    assertThat(t.macaroons()).containsExactly(M2);
    assertThat(t.source()).isEqualTo("FLY_API_TOKEN");
  }

  @Test
  void environmentFallsBackToFlyConfigYaml() throws IOException {
    writeFlyConfig(
        "# written by flyctl\n"
            + "last_update_check: 2026-01-01T00:00:00Z\n"
            + "access_token: \""
            + M1
            + ","
            + M2
            + "\"\n"
            + "send_metrics: true\n");
    FlyToken t = FlyToken.find(Map.of(), home).orElseThrow();
    assertThat(t.macaroons()).containsExactly(M1, M2);
    assertThat(t.source()).isEqualTo("~/.fly/config.yml");
  }

  @Test
  void flyConfigYamlUnquotedWithComment() throws IOException {
    writeFlyConfig("access_token: " + USER + " # my token\n");
    assertThat(FlyToken.find(Map.of(), home).orElseThrow().userTokens()).containsExactly(USER);
  }

  @Test
  void nothingConfiguredIsEmpty() throws IOException {
    assertThat(FlyToken.find(Map.of(), home)).isEmpty();
    writeFlyConfig("access_token: \"\"\nsend_metrics: true\n");
    assertThat(FlyToken.find(Map.of(), home)).isEmpty();
    writeFlyConfig("send_metrics: true\n");
    assertThat(FlyToken.find(Map.of(), home)).isEmpty();
  }

  @Test
  void malformedEnvironmentTokenNamesTheVariable() {
    assertThatThrownBy(() -> FlyToken.find(Map.of("FLY_API_TOKEN", "FlyV1 "), home))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FLY_API_TOKEN");
  }

  private void writeFlyConfig(String content) throws IOException {
    Files.createDirectories(home.resolve(".fly"));
    Files.writeString(home.resolve(".fly/config.yml"), content);
  }
}
