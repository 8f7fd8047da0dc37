package dev.flyregistry.internal.registry.source;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of a tar file, scanned once (headers only: entry data is skipped by seeking), so that
 * any file inside can be opened later as a stream that reads straight from the archive. Symbolic
 * and hard links between entries are followed (older {@code docker save} archives link identical
 * layers).
 *
 * <p>Immutable after {@link #scan}; {@link #open} may be called from any thread.
 */
public final class TarIndex {
  private static final int MAX_LINK_DEPTH = 16;

  private final Path file;
  private final Map<String, TarReader.Entry> entries;

  private TarIndex(Path file, Map<String, TarReader.Entry> entries) {
    this.file = file;
    this.entries = entries;
  }

  /**
   * Reads every header of a tar file.
   *
   * @param file the archive
   * @return the index
   * @throws IOException when the file cannot be read or is not a tar archive
   */
  public static TarIndex scan(Path file) throws IOException {
    Map<String, TarReader.Entry> entries = new LinkedHashMap<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = new SeekingStream(ch)) {
      TarReader reader = new TarReader(in);
      TarReader.Entry e;
      try {
        while ((e = reader.next()) != null) {
          String name = normalize(e.name());
          if (!name.isEmpty()) {
            entries.put(name, e); // a later entry of the same name wins, as when extracting
          }
        }
      } catch (IOException x) {
        ByteBuffer magic = ByteBuffer.allocate(6);
        ch.position(0);
        while (magic.hasRemaining() && ch.read(magic) >= 0) {
          // read what the file has of its first bytes
        }
        String compression = compression(magic.array(), magic.position());
        if (entries.isEmpty() && compression != null) {
          throw new IOException(
              "the file is "
                  + compression
                  + "-compressed, not a tar archive; blobs are read from the archive by seeking,"
                  + " so decompress it first (or write it with `docker save -o` alone)",
              x);
        }
        throw x;
      }
    }
    return new TarIndex(file, entries);
  }

  /** The compression a file starts with (gzip, bzip2, xz, zstd), or null. */
  private static String compression(byte[] b, int n) {
    if (n >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
      return "gzip";
    }
    if (n >= 3 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h') {
      return "bzip2";
    }
    if (n >= 6
        && (b[0] & 0xff) == 0xfd
        && b[1] == '7'
        && b[2] == 'z'
        && b[3] == 'X'
        && b[4] == 'Z'
        && b[5] == 0) {
      return "xz";
    }
    if (n >= 4
        && (b[0] & 0xff) == 0x28
        && (b[1] & 0xff) == 0xb5
        && (b[2] & 0xff) == 0x2f
        && (b[3] & 0xff) == 0xfd) {
      return "zstd";
    }
    return null;
  }

  /**
   * @return the archive file
   */
  public Path file() {
    return file;
  }

  /**
   * @return the normalized names of every entry, in archive order
   */
  public List<String> names() {
    return new ArrayList<>(entries.keySet());
  }

  /**
   * Finds a regular file, following links.
   *
   * @param name a path inside the archive ({@code ./} prefixes and {@code .} segments are ignored)
   * @return the file's entry, empty when there is no such regular file
   */
  public Optional<TarReader.Entry> file(String name) {
    String n = normalize(name);
    for (int depth = 0; depth < MAX_LINK_DEPTH; depth++) {
      TarReader.Entry e = entries.get(n);
      if (e == null) {
        return Optional.empty();
      }
      switch (e.type()) {
        case FILE:
          return Optional.of(e);
        case HARDLINK:
          n = normalize(e.linkName());
          break;
        case SYMLINK:
          String target = e.linkName();
          if (target.startsWith("/")) {
            n = normalize(target);
          } else {
            int slash = n.lastIndexOf('/');
            n = normalize((slash < 0 ? "" : n.substring(0, slash + 1)) + target);
          }
          break;
        default:
          return Optional.empty();
      }
    }
    return Optional.empty(); // a link loop
  }

  /**
   * Opens a regular file inside the archive. The stream reads from the archive file directly.
   *
   * @param name a path inside the archive
   * @return a stream of exactly the entry's bytes
   * @throws NoSuchFileException when the archive holds no such regular file
   * @throws IOException when the archive cannot be opened
   */
  public InputStream open(String name) throws IOException {
    TarReader.Entry e =
        file(name)
            .orElseThrow(
                () ->
                    new NoSuchFileException(
                        file + "!" + normalize(name), null, "not in the archive"));
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      if (ch.size() < e.dataOffset() + e.size()) {
        throw new IOException("tar archive " + file + " is truncated inside " + e.name());
      }
      ch.position(e.dataOffset());
      return new BufferedInputStream(new Bounded(Channels.newInputStream(ch), e.size()), 65536);
    } catch (IOException | RuntimeException x) {
      ch.close();
      throw x;
    }
  }

  /**
   * Normalizes a path inside an archive: no leading {@code ./} or {@code /}, no {@code .} segments,
   * {@code ..} resolved, no trailing slash.
   *
   * @param name a path
   * @return the normalized path
   */
  static String normalize(String name) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : name.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (!parts.isEmpty()) {
          parts.removeLast();
        }
        continue;
      }
      parts.addLast(p);
    }
    return String.join("/", parts);
  }

  /** A stream that skips by moving the channel's position instead of reading. */
  private static final class SeekingStream extends InputStream {
    private final FileChannel ch;
    private final InputStream in;

    SeekingStream(FileChannel ch) {
      this.ch = ch;
      this.in = Channels.newInputStream(ch);
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      long pos = ch.position();
      long target = Math.min(ch.size(), pos + n);
      ch.position(target);
      return target - pos;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Reads at most {@code limit} bytes, then reports the end; closes the channel on close. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = in.skip(Math.min(n, left));
      left -= s;
      return s;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), left);
    }
  }
}
