package dev.flyregistry.internal.registry.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a tar stream entry by entry without holding entry data in memory: POSIX ustar (with its
 * name prefix), pax extended headers ({@code path}, {@code linkpath}, {@code size}) and GNU long
 * names and link names ({@code L}/{@code K}), sizes in octal or GNU base-256. Each entry reports
 * the offset of its data in the stream so callers can come back to it by seeking.
 *
 * <p>Not thread-safe; one reader per stream.
 */
public final class TarReader {
  static final int BLOCK = 512;
  private static final int MAX_META =
      1 << 20; // pax / GNU long-name records larger than 1 MiB are refused

  /** Entry types this SDK cares about. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    OTHER
  }

  /**
   * One entry.
   *
   * @param name the entry's path as written in the archive
   * @param type its type
   * @param size the data size in bytes (0 for links and directories)
   * @param dataOffset the offset of the entry's data from the start of the stream
   * @param linkName the link target for symbolic and hard links, else empty
   */
  public record Entry(String name, Type type, long size, long dataOffset, String linkName) {}

  private final InputStream in;
  private long position;
  private long remaining; // data bytes of the current entry not yet consumed
  private long padding; // padding after the current entry's data
  private boolean finished;

  /**
   * @param in the tar stream, positioned at its start
   */
  public TarReader(InputStream in) {
    this.in = in;
  }

  /**
   * Advances to the next entry, skipping whatever is left of the current one.
   *
   * @return the next entry, or null at the end of the archive
   * @throws IOException on a read error or a malformed header
   */
  public Entry next() throws IOException {
    if (finished) {
      return null;
    }
    skipFully(remaining + padding);
    remaining = 0;
    padding = 0;
    String longName = null;
    String longLink = null;
    Map<String, String> pax = new HashMap<>();
    byte[] header = new byte[BLOCK];
    while (true) {
      if (!readBlock(header)) {
        finished = true;
        return null;
      }
      if (isZero(header)) {
        finished = true; // end-of-archive marker (the second zero block is not needed)
        return null;
      }
      checkChecksum(header);
      char typeFlag = (char) (header[156] & 0xff);
      long size = parseNumber(header, 124, 12, "size");
      if (size < 0) {
        throw new IOException(
            "tar header at offset " + (position - BLOCK) + " has a negative size");
      }
      if (typeFlag == 'x' || typeFlag == 'L' || typeFlag == 'K' || typeFlag == 'g') {
        if (size > MAX_META) {
          throw new IOException(
              "tar metadata record of "
                  + size
                  + " bytes at offset "
                  + (position - BLOCK)
                  + " is larger than "
                  + MAX_META);
        }
        byte[] data = readBytes((int) size);
        skipFully(pad(size));
        if (typeFlag == 'x') {
          pax.putAll(parsePax(data));
        } else if (typeFlag == 'L') {
          longName = cString(data, 0, data.length);
        } else if (typeFlag == 'K') {
          longLink = cString(data, 0, data.length);
        }
        continue; // global headers ('g') are read and ignored
      }
      String name = cString(header, 0, 100);
      // POSIX ustar ("ustar\0" + "00") has a name prefix; the old GNU format ("ustar  \0") uses
      // those bytes for other fields
      if (header[257] == 'u' && cString(header, 257, 6).equals("ustar") && header[263] == '0') {
        String prefix = cString(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      String link = cString(header, 157, 100);
      if (longName != null) {
        name = longName;
      }
      if (longLink != null) {
        link = longLink;
      }
      if (pax.containsKey("path")) {
        name = pax.get("path");
      }
      if (pax.containsKey("linkpath")) {
        link = pax.get("linkpath");
      }
      if (pax.containsKey("size")) {
        try {
          size = Long.parseLong(pax.get("size").trim());
        } catch (NumberFormatException e) {
          throw new IOException("tar pax size \"" + pax.get("size") + "\" is not a number");
        }
        if (size < 0) {
          throw new IOException(
              "tar pax size at offset " + (position - BLOCK) + " is negative: " + size);
        }
      }
      Type type =
          switch (typeFlag) {
            case '0', '\0', '7' -> Type.FILE;
            case '5' -> Type.DIRECTORY;
            case '2' -> Type.SYMLINK;
            case '1' -> Type.HARDLINK;
            default -> Type.OTHER;
          };
      if (typeFlag == '1'
          || typeFlag == '2'
          || typeFlag == '3'
          || typeFlag == '4'
          || typeFlag == '5'
          || typeFlag == '6') {
        size = 0; // header-only types: no data blocks follow, whatever the size field says
      }
      remaining = size;
      padding = pad(size);
      return new Entry(
          name, type, size, position, type == Type.SYMLINK || type == Type.HARDLINK ? link : "");
    }
  }

  /**
   * A stream over the current entry's data; reading it consumes the entry. Closing it does not
   * close the archive.
   *
   * @return the data of the entry returned by the last {@link #next()}
   */
  public InputStream data() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new EOFException("tar entry data is truncated");
        }
        remaining -= n;
        position += n;
        return n;
      }
    };
  }

  static long pad(long size) {
    long r = size % BLOCK;
    return r == 0 ? 0 : BLOCK - r;
  }

  private boolean readBlock(byte[] block) throws IOException {
    int off = 0;
    while (off < BLOCK) {
      int n = in.read(block, off, BLOCK - off);
      if (n < 0) {
        if (off == 0) {
          return false; // archive without end marker: tolerated
        }
        throw new EOFException("tar header truncated at offset " + position);
      }
      off += n;
      position += n;
    }
    return true;
  }

  private byte[] readBytes(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("tar record truncated at offset " + position);
    }
    position += n;
    return b;
  }

  private void skipFully(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("tar archive truncated at offset " + position);
        }
        s = 1;
      }
      left -= s;
      position += s;
    }
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private void checkChecksum(byte[] header) throws IOException {
    long stored = parseNumber(header, 148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += b & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : header[i];
    }
    if (stored != unsigned && stored != signed) {
      throw new IOException(
          "not a tar archive, or a corrupt one: header checksum mismatch at offset "
              + (position - BLOCK));
    }
  }

  static long parseNumber(byte[] h, int off, int len, String field) throws IOException {
    if ((h[off] & 0x80) != 0) { // GNU base-256
      long v = h[off] & 0x7f;
      for (int i = 1; i < len; i++) {
        if ((v >>> 55) != 0) {
          throw new IOException("tar " + field + " field overflows");
        }
        v = (v << 8) | (h[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    if (i == end) {
      return 0;
    }
    for (; i < end; i++) {
      byte c = h[i];
      if (c == 0 || c == ' ') {
        break;
      }
      if (c < '0' || c > '7') {
        throw new IOException("tar " + field + " field holds a non-octal character");
      }
      v = (v << 3) + (c - '0');
    }
    return v;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  /** Parses pax records: {@code "<len> <key>=<value>\n"}. */
  static Map<String, String> parsePax(byte[] data) throws IOException {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < data.length) {
      int sp = i;
      while (sp < data.length && data[sp] != ' ') {
        sp++;
      }
      if (sp == data.length) {
        if (allZero(data, i)) {
          break;
        }
        throw new IOException("malformed pax header record");
      }
      int len;
      try {
        len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new IOException("malformed pax header record length");
      }
      // compared as len > data.length - i: i + len overflows for a length near Integer.MAX_VALUE
      if (len <= sp - i + 1 || len > data.length - i || data[i + len - 1] != '\n') {
        throw new IOException("malformed pax header record");
      }
      String rec = new String(data, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq <= 0) {
        throw new IOException("malformed pax header record (no '=')");
      }
      out.put(rec.substring(0, eq), rec.substring(eq + 1));
      i += len;
    }
    return out;
  }

  private static boolean allZero(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
