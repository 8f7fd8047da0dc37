package dev.flyregistry.internal.registry.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.registry.Digest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class StreamingBodiesTest {
  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void hashingStreamDigestsAndCountsWhatIsRead() throws IOException {
    byte[] data = random(200_000);
    List<Long> counts = new ArrayList<>();
    HashingInputStream in =
        new HashingInputStream(
            new ByteArrayInputStream(data), Digest.sha256(new byte[0]), counts::add);
    byte[] buf = new byte[7000];
    in.read(); // single-byte reads count too
    assertThat(in.skip(999)).isEqualTo(999); // skipped bytes are hashed as well
    while (in.read(buf) > 0) {
      // drain
    }
    assertThat(in.count()).isEqualTo(data.length);
    assertThat(in.digest()).isEqualTo(Digest.sha256(data));
    assertThat(counts).isSorted().last().isEqualTo((long) data.length);
  }

  @Test
  void hashingStreamUsesTheDigestsAlgorithm() throws IOException {
    byte[] data = random(1000);
    Digest sha512 = Digest.of(Digest.SHA512, data);
    HashingInputStream in = new HashingInputStream(new ByteArrayInputStream(data), sha512, n -> {});
    in.readAllBytes();
    assertThat(in.digest()).isEqualTo(sha512);
  }

  @Test
  void streamBodyWritesExactlyItsLengthOnceAndThenRunsTheCompletion() throws IOException {
    byte[] data = random(150_000);
    AtomicLong sent = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    ByteArrayInputStream source = new ByteArrayInputStream(data);
    StreamBody body = new StreamBody(source, 100_000, sent, () -> done.set(true));
    assertThat(body.isOneShot()).isTrue();
    assertThat(body.contentLength()).isEqualTo(100_000);
    assertThat(body.started()).isFalse();

    Buffer sink = new Buffer();
    body.writeTo(sink);

    assertThat(sink.readByteArray()).isEqualTo(java.util.Arrays.copyOf(data, 100_000));
    assertThat(sent.get()).isEqualTo(100_000);
    assertThat(done).isTrue();
    assertThat(source.available()).isEqualTo(50_000); // the rest was not read
    assertThat(body.started()).isTrue();
    assertThatThrownBy(() -> body.writeTo(new Buffer())).isInstanceOf(IOException.class);
  }

  @Test
  void streamBodyFailsWhenTheSourceEndsEarly() {
    StreamBody body =
        new StreamBody(new ByteArrayInputStream(new byte[10]), 20, new AtomicLong(), () -> {});
    assertThatThrownBy(() -> body.writeTo(new Buffer()))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("10 bytes early");
  }

  @Test
  void bytesBodyIsARepeatableSlice() throws IOException {
    byte[] data = random(100);
    AtomicLong sent = new AtomicLong();
    BytesBody body = new BytesBody(data, 10, 50, sent);
    Buffer a = new Buffer();
    Buffer b = new Buffer();
    body.writeTo(a);
    body.writeTo(b);
    assertThat(a.readByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 60));
    assertThat(b.readByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 60));
    assertThat(body.isOneShot()).isFalse();
    assertThat(sent.get()).isEqualTo(100);
  }
}
