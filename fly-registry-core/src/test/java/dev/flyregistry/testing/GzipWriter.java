package dev.flyregistry.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A gzip stream with a fixed header (no name, mtime 0, XFL 0, OS 255 "unknown") so that the same
 * input gives the same bytes on every run and every JDK that ships the same zlib.
 */
final class GzipWriter extends FilterOutputStream {

  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff,
  };

  private final OutputStream target;
  private final Deflater deflater;
  private final DeflaterOutputStream deflate;
  private final CRC32 crc = new CRC32();
  private long count;
  private boolean finished;

  GzipWriter(OutputStream target, int level) throws IOException {
    super(target);
    this.target = target;
    this.deflater = new Deflater(level, true);
    this.deflate = new DeflaterOutputStream(target, deflater, 64 * 1024);
    target.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    deflate.write(b, off, len);
    crc.update(b, off, len);
    count += len;
  }

  @Override
  public void flush() throws IOException {
    deflate.flush();
  }

  /** Finishes the deflate stream and writes the trailer (CRC-32, size mod 2^32). */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    deflate.finish();
    deflater.end();
    long c = crc.getValue();
    long n = count & 0xffffffffL;
    byte[] trailer = {
      (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
      (byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24),
    };
    target.write(trailer);
    target.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
    target.close();
  }
}
