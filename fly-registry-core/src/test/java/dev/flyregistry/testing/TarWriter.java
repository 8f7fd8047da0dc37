package dev.flyregistry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal, reproducible ustar writer: the caller adds entries in the order it wants (sorted, for
 * reproducible archives); every entry has mtime 0, uid/gid 0, empty owner names. Regular files and
 * directories only; names up to 100 bytes (no prefix field, no PAX headers). The archive ends with
 * two zero blocks and is padded to a whole 10 KiB record, as tar does.
 */
final class TarWriter implements AutoCloseable {

  static final int BLOCK = 512;
  private static final int RECORD = 20 * BLOCK;

  private final OutputStream out;
  private long written;
  private boolean finished;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  void directory(String name) throws IOException {
    String dirName = name.endsWith("/") ? name : name + "/";
    writeHeader(dirName, 0, 0755, '5');
  }

  void file(String name, byte[] content) throws IOException {
    writeHeader(name, content.length, 0644, '0');
    write(content, 0, content.length);
    pad(content.length);
  }

  /** Writes a regular file whose content is exactly {@code size} bytes read from {@code in}. */
  void file(String name, long size, InputStream in) throws IOException {
    writeHeader(name, size, 0644, '0');
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("content of " + name + " ended " + left + " bytes early");
      }
      write(buf, 0, n);
      left -= n;
    }
    pad(size);
  }

  /** Writes the end-of-archive blocks and record padding; does not close the stream. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    byte[] zeros = new byte[BLOCK];
    write(zeros, 0, BLOCK);
    write(zeros, 0, BLOCK);
    long rest = (RECORD - written % RECORD) % RECORD;
    byte[] pad = new byte[(int) rest];
    write(pad, 0, pad.length);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
    out.close();
  }

  private void writeHeader(String name, long size, int mode, char type) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length == 0 || nameBytes.length > 100) {
      throw new IllegalArgumentException("tar entry name must be 1..100 bytes: " + name);
    }
    if (size < 0 || size > 077777777777L) {
      throw new IllegalArgumentException("tar entry too large for ustar: " + name);
    }
    byte[] h = new byte[BLOCK];
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0); // mtime
    Arrays.fill(h, 148, 156, (byte) ' '); // checksum placeholder
    h[156] = (byte) type;
    byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    octal(h, 329, 8, 0); // devmajor
    octal(h, 337, 8, 0); // devminor
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format("%06o", sum);
    System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    write(h, 0, BLOCK);
  }

  /** Octal number, zero-padded to {@code len - 1} digits, NUL-terminated. */
  private static void octal(byte[] h, int offset, int len, long value) {
    String s = Long.toOctalString(value);
    String padded = "0".repeat(len - 1 - s.length()) + s;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, offset, len - 1);
    h[offset + len - 1] = 0;
  }

  private void pad(long size) throws IOException {
    int rest = (int) (padded(size) - size);
    if (rest > 0) {
      write(new byte[rest], 0, rest);
    }
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    written += len;
  }
}
