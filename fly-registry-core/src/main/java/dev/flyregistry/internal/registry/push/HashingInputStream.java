package dev.flyregistry.internal.registry.push;

import dev.flyregistry.registry.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Hashes and counts the bytes read through it, and reports the running count, so a blob's digest is
 * known the moment its last byte has been sent, with constant memory. Not thread-safe.
 */
public final class HashingInputStream extends FilterInputStream {
  private final MessageDigest md;
  private final String algorithm;
  private final LongConsumer onCount;
  private long count;

  /**
   * @param in the stream to read
   * @param algorithm the digest algorithm ({@code sha256} or {@code sha512})
   * @param onCount called with the running count after each read (may be a no-op)
   */
  public HashingInputStream(InputStream in, Digest algorithm, LongConsumer onCount) {
    super(in);
    this.md = algorithm.newMessageDigest();
    this.algorithm = algorithm.algorithm();
    this.onCount = onCount;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      md.update((byte) b);
      count++;
      onCount.accept(count);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      md.update(b, off, n);
      count += n;
      onCount.accept(count);
    }
    return n;
  }

  /** Skipping would leave bytes unhashed; this stream reads them instead. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long left = n;
    while (left > 0) {
      int r = read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return n - left;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /**
   * @return bytes read so far
   */
  public long count() {
    return count;
  }

  /**
   * Finishes the hash; call once, after the last byte.
   *
   * @return the digest of every byte read
   */
  public Digest digest() {
    return Digest.ofHash(algorithm, md.digest());
  }
}
