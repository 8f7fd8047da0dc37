package dev.flyregistry.internal.registry.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small tar archives for tests: ustar, pax and GNU long-name entries. */
public final class TestTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A regular file; names over 100 bytes use the ustar prefix when they can, else pax. */
  public TestTar file(String name, byte[] data) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length <= 100) {
      header(name, "", '0', data.length, "", true, false);
    } else {
      int slash = name.lastIndexOf('/', 155);
      if (slash > 0 && name.length() - slash - 1 <= 100) {
        header(
            name.substring(slash + 1), name.substring(0, slash), '0', data.length, "", true, false);
      } else {
        pax("path", name);
        header("pax-shortened", "", '0', data.length, "", true, false);
      }
    }
    body(data);
    return this;
  }

  public TestTar file(String name, String text) {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A regular file named through a pax {@code path} record. */
  public TestTar paxFile(String name, byte[] data) {
    pax("path", name);
    header("ignored-name", "", '0', data.length, "", true, false);
    body(data);
    return this;
  }

  /** A regular file named through a GNU {@code L} record. */
  public TestTar gnuLongFile(String name, byte[] data) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
    header("././@LongLink", "", 'L', n.length, "", false, false);
    body(n);
    header(name.substring(0, 99), "", '0', data.length, "", false, false);
    body(data);
    return this;
  }

  /** A pax extended header record applying to the next entry (for malformed-archive tests). */
  public TestTar paxRecord(String key, String value) {
    pax(key, value);
    return this;
  }

  /** A regular file whose size field is in GNU base-256. */
  public TestTar base256File(String name, byte[] data) {
    header(name, "", '0', data.length, "", true, true);
    body(data);
    return this;
  }

  public TestTar dir(String name) {
    header(name.endsWith("/") ? name : name + "/", "", '5', 0, "", true, false);
    return this;
  }

  public TestTar symlink(String name, String target) {
    header(name, "", '2', 0, target, true, false);
    return this;
  }

  public TestTar hardlink(String name, String target) {
    header(name, "", '1', 0, target, true, false);
    return this;
  }

  public byte[] bytes() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  public Path write(Path file) throws IOException {
    Files.write(file, bytes());
    return file;
  }

  public void writeTo(OutputStream os) throws IOException {
    os.write(bytes());
  }

  private void pax(String key, String value) {
    String rec = " " + key + "=" + value + "\n";
    int len = rec.getBytes(StandardCharsets.UTF_8).length;
    int total = len + Integer.toString(len).length();
    if (Integer.toString(total).length() != Integer.toString(len).length()) {
      total++;
    }
    byte[] data = (total + rec).getBytes(StandardCharsets.UTF_8);
    header("PaxHeaders/x", "", 'x', data.length, "", true, false);
    body(data);
  }

  private void body(byte[] data) {
    out.writeBytes(data);
    int pad = (512 - data.length % 512) % 512;
    out.writeBytes(new byte[pad]);
  }

  private void header(
      String name,
      String prefix,
      char type,
      long size,
      String link,
      boolean posix,
      boolean base256) {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    put(h, 100, 8, "0000644");
    put(h, 108, 8, "0000000");
    put(h, 116, 8, "0000000");
    if (base256) {
      h[124] = (byte) 0x80;
      for (int i = 0; i < 8; i++) {
        h[124 + 11 - i] = (byte) (size >>> (8 * i));
      }
    } else {
      put(h, 124, 12, String.format("%011o", size));
    }
    put(h, 136, 12, String.format("%011o", 0));
    h[156] = (byte) type;
    put(h, 157, 100, link);
    if (posix) {
      put(h, 257, 6, "ustar");
      h[263] = '0';
      h[264] = '0';
      put(h, 345, 155, prefix);
    } else {
      put(h, 257, 8, "ustar  ");
    }
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    out.writeBytes(h);
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > len) {
      throw new IllegalArgumentException(s + " does not fit in " + len);
    }
    System.arraycopy(b, 0, h, off, b.length);
  }
}
