package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class IoFailuresTest {

  @Test
  void aTimeoutSaysTimeoutWhicheverMechanismNoticedIt() {
    // the call deadline and Okio's watchdog
    assertThat(IoFailures.describe(new InterruptedIOException("timeout"))).isEqualTo("timeout");
    assertThat(IoFailures.describe(new SocketTimeoutException("timeout"))).isEqualTo("timeout");
    // the socket's own read timeout and the connect timeout
    assertThat(IoFailures.describe(new SocketTimeoutException("Read timed out")))
        .isEqualTo("timeout (Read timed out)");
    assertThat(IoFailures.describe(new SocketTimeoutException("Connect timed out")))
        .isEqualTo("timeout (Connect timed out)");
    assertThat(IoFailures.describe(new SocketTimeoutException())).isEqualTo("timeout");
  }

  @Test
  void anyOtherFailureIsItsClassAndMessage() {
    assertThat(IoFailures.describe(new ConnectException("Failed to connect to /127.0.0.1:1")))
        .isEqualTo("ConnectException: Failed to connect to /127.0.0.1:1");
    // an interruption of the caller's thread is not a timeout
    assertThat(IoFailures.describe(new InterruptedIOException("interrupted")))
        .isEqualTo("InterruptedIOException: interrupted");
    assertThat(IoFailures.describe(new IOException())).isEqualTo("IOException");
  }
}
