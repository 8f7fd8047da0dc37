package dev.flyregistry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void retryDefaultsMatchTheDesign() {
    RetrySettings r = RetrySettings.defaults();
    assertThat(r.retryableStatuses()).containsExactlyInAnyOrder(408, 429, 500, 502, 503, 504);
    assertThat(r.isRetryable(404)).isFalse();
    assertThat(RetrySettings.none().maxAttempts()).isEqualTo(1);
  }

  @Test
  void clientErrorsCannotBeMadeRetryable() {
    assertThatThrownBy(() -> RetrySettings.defaults().withRetryableStatuses(Set.of(503, 401)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("401");
    assertThatThrownBy(() -> RetrySettings.defaults().withMaxAttempts(0))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetrySettings.defaults().withJitter(1.5))
        .hasMessageContaining("jitter");
  }

  @Test
  void backoffsTheRetryPolicyCannotUseAreRefusedUpFront() {
    // pauses are whole milliseconds: a shorter backoff used to fail only when a client was built
    assertThatThrownBy(
            () ->
                RetrySettings.defaults().withBackoff(Duration.ofNanos(500), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialBackoff");
    assertThatThrownBy(
            () ->
                RetrySettings.defaults()
                    .withBackoff(Duration.ofMillis(200), Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff");
    // one that overflows a count of milliseconds used to fail with ArithmeticException
    assertThatThrownBy(
            () ->
                RetrySettings.defaults()
                    .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff");
    assertThat(
            RetrySettings.defaults()
                .withBackoff(Duration.ofMillis(1), Duration.ofDays(365))
                .maxBackoff())
        .isEqualTo(Duration.ofDays(365));
  }

  @Test
  void timeoutsOkHttpCannotHonourAreRefusedUpFront() {
    HttpSettings d = HttpSettings.defaults();
    // OkHttp counts whole milliseconds: a shorter positive timeout became 0, that is none at all
    assertThatThrownBy(() -> d.withReadTimeout(Duration.ofNanos(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> d.withCallTimeout(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout");
    // beyond OkHttp's limit (Integer.MAX_VALUE ms) it failed only when a client was built
    assertThatThrownBy(() -> d.withCallTimeout(Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout");
    assertThat(d.withTimeout(Duration.ZERO).readTimeout()).isEqualTo(Duration.ZERO);
    assertThat(d.withConnectTimeout(Duration.ofMillis(1)).connectTimeout())
        .isEqualTo(Duration.ofMillis(1));
    assertThat(d.withWriteTimeout(Duration.ofDays(24)).writeTimeout())
        .isEqualTo(Duration.ofDays(24));
  }

  @Test
  void httpSettingsAreImmutableCopies() {
    HttpSettings d = HttpSettings.defaults();
    HttpSettings t = d.withTimeout(Duration.ofSeconds(20));
    assertThat(d.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(t.readTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(t.connectTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(t.userAgent()).isEqualTo(d.userAgent()).startsWith("fly-registry-java/");
    assertThatThrownBy(() -> d.withUserAgent("bad\nagent"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxConcurrency(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
