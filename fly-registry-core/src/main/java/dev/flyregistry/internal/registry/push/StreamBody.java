package dev.flyregistry.internal.registry.push;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body of exactly {@code length} bytes taken from a stream that stays open across bodies
 * (one chunk of a blob per PATCH, or the whole blob). It can be written once: a second attempt
 * would need bytes the stream no longer has, so OkHttp must not repeat it ({@link #isOneShot()});
 * the upload restarts as a whole session instead.
 */
final class StreamBody extends RequestBody {
  static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
  private static final int BUFFER = 64 * 1024;

  private final InputStream in;
  private final long length;
  private boolean written;

  StreamBody(InputStream in, long length) {
    this.in = in;
    this.length = length;
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
    if (written) {
      throw new IOException("a blob upload body cannot be sent twice");
    }
    written = true;
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
      left -= n;
    }
  }
}
