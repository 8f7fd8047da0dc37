package dev.flyregistry.internal.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.auth.DockerConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One docker {@code config.json}: a cached parsed view for lookups (re-read when the file changes)
 * and locked, atomic read-modify-write for logins.
 *
 * <p>Writers take an in-process lock and then an OS file lock on {@code config.json.lock} beside
 * the file, so concurrent writers in threads and in other processes serialise and all land. The new
 * content goes to a temporary file in the same directory (mode 0600), is forced to disk and renamed
 * over the old file atomically; a failure before the rename leaves the old file intact.
 */
public final class DockerConfigFile {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path dir;
  private final Path file;
  private final String display;
  private final Consumer<Path> beforeRename;
  private final AtomicReference<Cached> cache = new AtomicReference<>();

  /** The parsed content of the file, as lookups need it. */
  public record Snapshot(
      Map<String, JsonNode> auths, Map<String, String> credHelpers, String credsStore) {
    static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), null);
  }

  private record Stamp(FileTime modified, long size, Object fileKey) {}

  private record Cached(Stamp stamp, Snapshot snapshot) {}

  /**
   * @param dir the directory holding {@code config.json}
   * @param display how messages name the file ("~/.docker/config.json")
   * @param beforeRename called with the written temporary file before it is forced and renamed
   *     (tests simulate a crash by throwing here)
   */
  public DockerConfigFile(Path dir, String display, Consumer<Path> beforeRename) {
    this.dir = dir;
    this.file = dir.resolve("config.json");
    this.display = display;
    this.beforeRename = Objects.requireNonNull(beforeRename, "beforeRename");
  }

  /**
   * @return the {@code config.json} path
   */
  public Path file() {
    return file;
  }

  /**
   * @return how messages name the file
   */
  public String display() {
    return display;
  }

  /**
   * The parsed file; cached until its modification time, size or identity changes.
   *
   * @return the content, empty when the file does not exist
   * @throws DockerConfigException when the file cannot be read or is not a valid config
   */
  public Snapshot snapshot() {
    Stamp stamp;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      stamp = new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      return Snapshot.EMPTY;
    } catch (IOException e) {
      throw new DockerConfigException(file, "cannot read " + display + ": " + e, e);
    }
    Cached c = cache.get();
    if (c != null && c.stamp.equals(stamp)) {
      return c.snapshot;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Snapshot.EMPTY;
    } catch (IOException e) {
      throw new DockerConfigException(file, "cannot read " + display + ": " + e, e);
    }
    Snapshot s = toSnapshot(parse(bytes));
    cache.set(new Cached(stamp, s));
    return s;
  }

  private Snapshot toSnapshot(ObjectNode root) {
    Map<String, JsonNode> auths = new LinkedHashMap<>();
    JsonNode a = root.get("auths");
    if (a != null && !a.isNull()) {
      a.properties().forEach(e -> auths.put(e.getKey(), e.getValue()));
    }
    Map<String, String> helpers = new LinkedHashMap<>();
    JsonNode h = root.get("credHelpers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        throw malformed("\"credHelpers\" is not an object", null);
      }
      h.properties()
          .forEach(
              e -> {
                if (!e.getValue().isTextual()) {
                  throw malformed("credHelpers entry \"" + e.getKey() + "\" is not a string", null);
                }
                helpers.put(e.getKey(), e.getValue().asText());
              });
    }
    JsonNode store = root.get("credsStore");
    if (store != null && !store.isNull() && !store.isTextual()) {
      throw malformed("\"credsStore\" is not a string", null);
    }
    String credsStore = store == null || store.isNull() ? null : store.asText();
    if (credsStore != null && credsStore.isBlank()) {
      credsStore = null;
    }
    return new Snapshot(
        Collections.unmodifiableMap(auths), Collections.unmodifiableMap(helpers), credsStore);
  }

  private ObjectNode parse(byte[] bytes) {
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw malformed("not valid JSON" + where, e);
    } catch (IOException e) {
      throw new DockerConfigException(file, "cannot read " + display + ": " + e, e);
    } catch (NumberFormatException e) {
      // exact decimals: a number such as 1e999999999999 is refused by BigDecimal, not by the parser
      throw malformed("a number cannot be read exactly", null);
    }
    if (node == null || !node.isObject()) {
      throw malformed("the top level is not a JSON object", null);
    }
    JsonNode auths = node.get("auths");
    if (auths != null && !auths.isNull() && !auths.isObject()) {
      throw malformed("\"auths\" is not an object", null);
    }
    return (ObjectNode) node;
  }

  private DockerConfigException malformed(String what, Throwable cause) {
    // Jackson's messages may quote file content (a secret); only the location is kept.
    return new DockerConfigException(file, display + " is malformed: " + what, null);
  }

  /**
   * Reads, changes and rewrites the file under the in-process and file locks.
   *
   * @param change edits the parsed root; returns whether anything changed (false: no write)
   * @return what {@code change} returned
   * @throws DockerConfigException when the existing file is malformed (it is left as is) or the
   *     write fails (the old file is left as is)
   */
  public boolean update(Predicate<ObjectNode> change) {
    try {
      createDirectory();
      // one in-process lock per real directory: two paths to one file must not both take the
      // OS lock from this JVM (FileChannel.lock would throw OverlappingFileLockException)
      Path lockFile = dir.toRealPath().resolve("config.json.lock");
      ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
      jvmLock.lock();
      try (FileChannel channel =
              FileChannel.open(
                  lockFile,
                  Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                  ownerOnly(dir, "rw-------"));
          FileLock ignored = channel.lock()) {
        Path target =
            Files.isSymbolicLink(file) ? file.toRealPath() : file; // keep a symlinked config
        ObjectNode root;
        try {
          root = parse(Files.readAllBytes(target));
        } catch (NoSuchFileException e) {
          root = JSON.createObjectNode();
        }
        if (!change.test(root)) {
          return false;
        }
        writeAtomically(target, serialize(root));
        return true;
      } finally {
        jvmLock.unlock();
        cache.set(null);
      }
    } catch (IOException e) {
      throw new DockerConfigException(file, "cannot write " + display + ": " + e, e);
    }
  }

  private void createDirectory() throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir, ownerOnly(dir, "rwx------"));
  }

  private static byte[] serialize(ObjectNode root) throws IOException {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("\t", "\n"))
            .withArrayIndenter(new DefaultIndenter("\t", "\n"))
            .withoutSpacesInObjectEntries()
            .withSeparators(
                com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(
                        com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
    return JSON.writer(printer).writeValueAsBytes(root);
  }

  private void writeAtomically(Path target, byte[] content) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp =
        Files.createTempFile(parent, ".config.json.", ".tmp", ownerOnly(parent, "rw-------"));
    boolean moved = false;
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        beforeRename.accept(tmp);
        out.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      syncDirectory(parent);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      // Not every platform can open or sync a directory; the rename itself already happened.
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path where, String perms) {
    if (where.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))
      };
    }
    return new FileAttribute<?>[0];
  }
}
