package dev.flyregistry.internal.registry.push;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body of exactly {@code length} bytes read from a stream as they are sent (a whole blob
 * in one {@code PUT}), so memory stays constant whatever the size. It can be written once: a second
 * attempt would need bytes the stream no longer has, so OkHttp must not repeat it ({@link
 * #isOneShot()}) and callers check {@link #started()} before reusing it; a failed upload restarts
 * as a whole session instead.
 */
public final class StreamBody extends RequestBody {
  /** {@code application/octet-stream}. */
  public static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");

  private static final int BUFFER = 64 * 1024;

  /** Runs once the last byte has been written, before the request completes. */
  @FunctionalInterface
  public interface Completion {
    /**
     * @throws IOException to abort the request (the content was not what it should be)
     */
    void done() throws IOException;
  }

  private final InputStream in;
  private final long length;
  private final AtomicLong sent;
  private final Completion completion;
  private volatile boolean started;

  /**
   * @param in the stream to read (not closed here)
   * @param length exactly how many bytes to send
   * @param sent incremented by every byte written
   * @param completion runs after the last byte
   */
  public StreamBody(InputStream in, long length, AtomicLong sent, Completion completion) {
    this.in = in;
    this.length = length;
    this.sent = sent;
    this.completion = completion;
  }

  /**
   * @return whether writing began (the body cannot be sent again)
   */
  public boolean started() {
    return started;
  }

  @Override
  public MediaType contentType() {
    return OCTET_STREAM;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    if (started) {
      throw new IOException("a streamed blob body cannot be sent twice");
    }
    started = true;
    byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(1, length))];
    long left = length;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException(
            "the blob source ended "
                + left
                + " bytes early ("
                + (length - left)
                + " of "
                + length
                + " sent)");
      }
      sink.write(buf, 0, n);
      sent.addAndGet(n);
      left -= n;
    }
    completion.done();
  }
}
