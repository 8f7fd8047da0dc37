package dev.flyregistry.internal.http;

import java.io.IOException;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/** Reads response bodies within a limit, so a huge or endless body cannot fill the heap. */
public final class Bodies {
  private Bodies() {}

  /**
   * @param body the body, may be null (read as empty)
   * @param limit the most bytes accepted
   * @return the bytes, or null when the body is longer than {@code limit} (reading stops there)
   * @throws IOException when reading fails
   */
  public static byte[] readAtMost(ResponseBody body, long limit) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    BufferedSource source = body.source();
    Buffer buffer = new Buffer();
    while (source.read(buffer, 8192) != -1) {
      if (buffer.size() > limit) {
        return null;
      }
    }
    return buffer.readByteArray();
  }
}
