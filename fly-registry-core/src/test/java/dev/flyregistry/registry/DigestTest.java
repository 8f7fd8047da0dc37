package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void hashesKnownVectors() {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertThat(Digest.sha256(abc).toString())
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Digest.of(Digest.SHA512, abc).hex()).startsWith("ddaf35a193617aba").hasSize(128);
    assertThat(Digest.sha256(abc).matches(abc)).isTrue();
    assertThat(Digest.sha256(abc).matches("abd".getBytes(StandardCharsets.US_ASCII))).isFalse();
  }

  @Test
  void parsesAndRoundTrips() {
    String s = "sha256:" + "0123456789abcdef".repeat(4);
    assertThat(Digest.parse(s).toString()).isEqualTo(s);
    assertThat(Digest.parse(s).algorithm()).isEqualTo("sha256");
  }

  @Test
  void rejectsBadDigestsWithReasons() {
    assertThatThrownBy(() -> Digest.parse("sha256")).hasMessageContaining("must look like");
    assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64)))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("lower-case hex")
        .hasMessageContaining("position 0");
    assertThatThrownBy(() -> Digest.parse("sha512:" + "a".repeat(64)))
        .hasMessageContaining("128 hex characters");
    assertThatThrownBy(() -> Digest.parse("md5:" + "a".repeat(32)))
        .hasMessageContaining("unsupported digest algorithm");
    assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(InvalidDigestException.class);
  }
}
