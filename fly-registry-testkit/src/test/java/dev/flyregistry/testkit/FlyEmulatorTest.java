package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.registry.Digest;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The emulator's own API: lifecycle, URLs, seeding and its argument checks. */
class FlyEmulatorTest {

  @Test
  void urlsPointAtLoopbackAndCloseStopsTheServers() {
    FlyEmulator fly = FlyEmulator.start();
    String registry = fly.registryUrl();
    assertThat(registry).isEqualTo("http://" + fly.registryHost()).startsWith("http://127.0.0.1:");
    assertThat(fly.machinesUrl()).startsWith("http://127.0.0.1:").endsWith("/v1");
    assertThat(fly.graphqlUrl()).isEqualTo(fly.apiUrl() + "/graphql");
    assertThat(fly.releasesUrl()).isEqualTo(fly.apiUrl() + "/api/v1");
    assertThat(RawHttp.send("GET", registry + "/v2/", (byte[]) null).status()).isEqualTo(401);
    fly.close();
    fly.close();
    assertThatThrownBy(() -> RawHttp.send("GET", registry + "/v2/", (byte[]) null))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void tokensLookLikeFlyMacaroonsAndNeverRepeat() {
    try (FlyEmulator fly = FlyEmulator.start()) {
      fly.createOrganization("o");
      String a = fly.createToken("o");
      String b = fly.createToken("o");
      assertThat(a).matches("fm2_[A-Za-z0-9_-]+,fm2_[A-Za-z0-9_-]+");
      assertThat(a).isNotEqualTo(b);
      assertThat(fly.toString()).doesNotContain(a);
    }
  }

  @Test
  void seedHelpersCheckTheirArguments() {
    try (FlyEmulator fly = FlyEmulator.start()) {
      fly.createOrganization("o");
      assertThatThrownBy(() -> fly.createOrganization("o"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> fly.createToken("nope"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> fly.createApp("o", "-bad-"))
          .isInstanceOf(IllegalArgumentException.class);
      fly.createApp("o", "a");
      assertThatThrownBy(() -> fly.createApp("o", "a")).hasMessageContaining("taken");
      assertThatThrownBy(() -> fly.putBlob("missing-app", new byte[1]))
          .isInstanceOf(IllegalArgumentException.class);
      Digest layer = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
              + layer
              + "\",\"size\":1},\"layers\":[]}";
      assertThatThrownBy(() -> fly.putManifest("a", "t", manifest.getBytes(StandardCharsets.UTF_8)))
          .hasMessageContaining(layer.toString());
      fly.putBlob("a", "x".getBytes(StandardCharsets.UTF_8));
      Digest d = fly.putManifest("a", "t", manifest.getBytes(StandardCharsets.UTF_8));
      assertThat(fly.manifest("a", "t"))
          .hasValueSatisfying(b -> assertThat(Digest.sha256(b)).isEqualTo(d));
      assertThatThrownBy(() -> fly.tag("a", "u", Digest.sha256(new byte[0])))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(fly.deleteApp("a")).isTrue();
      assertThat(fly.hasManifest("a", "t")).isFalse();
      assertThat(fly.apps("o")).isEmpty();
    }
  }

  @Test
  void emulatorsAreIndependent() {
    try (FlyEmulator one = FlyEmulator.start();
        FlyEmulator two = FlyEmulator.start()) {
      one.createOrganization("o");
      one.createApp("o", "a");
      two.createOrganization("o");
      assertThat(two.appExists("a")).isFalse();
      assertThat(one.registryHost()).isNotEqualTo(two.registryHost());
    }
  }

  @Test
  void startingItTurnsOnTheJdkHttpServersNoDelayOption() {
    // the JDK HTTP server keeps Nagle's algorithm on unless this property says otherwise, and then
    // each answer's body waits ~40 ms for the client's delayed acknowledgement
    try (FlyEmulator fly = FlyEmulator.start()) {
      assertThat(fly).isNotNull();
      assertThat(System.getProperty(dev.flyregistry.testkit.internal.Server.NODELAY_PROPERTY))
          .as("set by the emulator unless the application chose a value")
          .isEqualTo("true");
    }
  }
}
