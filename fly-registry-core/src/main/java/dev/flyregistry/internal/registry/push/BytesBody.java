package dev.flyregistry.internal.registry.push;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A slice of a byte array as a request body (one chunk of a chunked upload). Repeatable, so OkHttp
 * may send it again on a fresh connection; every byte written is counted.
 */
public final class BytesBody extends RequestBody {
  private final byte[] bytes;
  private final int offset;
  private final int length;
  private final AtomicLong sent;

  /**
   * @param bytes the array
   * @param offset where the slice starts
   * @param length the slice's length
   * @param sent incremented by every byte written
   */
  public BytesBody(byte[] bytes, int offset, int length, AtomicLong sent) {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    this.sent = sent;
  }

  @Override
  public MediaType contentType() {
    return StreamBody.OCTET_STREAM;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    int pos = offset;
    int end = offset + length;
    while (pos < end) {
      int n = Math.min(64 * 1024, end - pos);
      sink.write(bytes, pos, n);
      sent.addAndGet(n);
      pos += n;
    }
  }
}
