package dev.flyregistry.internal.registry.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Named files of a layout: a directory, or the entries of a tar archive. Thread-safe. */
interface Store {

  /** Where {@code name} lives, for messages. */
  String where(String name);

  /** The size of a regular file, empty when it does not exist. */
  OptionalLong size(String name) throws IOException;

  /** Opens a regular file; {@link NoSuchFileException} when it does not exist. */
  InputStream open(String name) throws IOException;

  /** Reads a whole file of at most {@code max} bytes. */
  default byte[] read(String name, long max) throws IOException {
    OptionalLong size = size(name);
    if (size.isEmpty()) {
      throw new NoSuchFileException(where(name));
    }
    if (size.getAsLong() > max) {
      throw new IOException(where(name) + " is " + size.getAsLong() + " bytes, more than " + max);
    }
    try (InputStream in = open(name)) {
      return in.readNBytes((int) size.getAsLong());
    }
  }

  /** A directory. */
  final class Dir implements Store {
    private final Path root;

    Dir(Path root) {
      this.root = root;
    }

    private Path resolve(String name) {
      return root.resolve(name);
    }

    @Override
    public String where(String name) {
      return resolve(name).toString();
    }

    @Override
    public OptionalLong size(String name) throws IOException {
      Path p = resolve(name);
      return Files.isRegularFile(p) ? OptionalLong.of(Files.size(p)) : OptionalLong.empty();
    }

    @Override
    public InputStream open(String name) throws IOException {
      Path p = resolve(name);
      if (!Files.isRegularFile(p)) {
        throw new NoSuchFileException(p.toString());
      }
      return Files.newInputStream(p);
    }
  }

  /** The entries of a tar archive. */
  final class Tar implements Store {
    private final TarIndex index;

    Tar(TarIndex index) {
      this.index = index;
    }

    @Override
    public String where(String name) {
      return index.file() + " (entry " + TarIndex.normalize(name) + ")";
    }

    @Override
    public OptionalLong size(String name) {
      return index.file(name).map(e -> OptionalLong.of(e.size())).orElse(OptionalLong.empty());
    }

    @Override
    public InputStream open(String name) throws IOException {
      return index.open(name);
    }
  }
}
