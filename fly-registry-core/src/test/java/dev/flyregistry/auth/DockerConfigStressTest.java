package dev.flyregistry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extends {@link DockerConfigLoginTest} (one writer kind at a time, a simulated crash by exception)
 * with everything at once: writer threads and two writer processes while a reader parses the file
 * continuously, and a real crash (a child JVM halted between write and rename). No entry is lost,
 * the file is valid JSON at every read, and it stays mode 0600.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DockerConfigStressTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> OWNER_RW =
      PosixFilePermissions.fromString("rw-------");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("config.json");
  }

  private Process child(Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  @Test
  void threadsAndProcessesWritingWhileAReaderParsesLoseNothing() throws Exception {
    Files.writeString(file(), "{\"credsStore\":\"\",\"HttpHeaders\":{\"X-Keep\":\"1\"}}");
    Files.setPosixFilePermissions(file(), OWNER_RW); // from here on, any other mode is a bug
    int perWriter = 25;
    int threads = 4;
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> readerProblems = new CopyOnWriteArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              while (writing.get()) {
                try {
                  byte[] bytes = Files.readAllBytes(file());
                  JsonNode root = JSON.readTree(bytes);
                  if (root == null || !root.isObject()) {
                    readerProblems.add("not an object: " + new String(bytes));
                  }
                  Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file());
                  if (!mode.equals(OWNER_RW)) {
                    readerProblems.add("mode " + PosixFilePermissions.toString(mode));
                  }
                  reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                  readerProblems.add("file missing during a rewrite");
                } catch (IOException e) {
                  readerProblems.add(e.toString());
                }
              }
            });
    reader.start();

    Process a = child(ConcurrentLoginMain.class, dir.toString(), "proc-a", "" + perWriter);
    Process b = child(ConcurrentLoginMain.class, dir.toString(), "proc-b", "" + perWriter);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    List<Throwable> writerErrors = new CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      String prefix = "thread-" + t;
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                  DockerConfig c = DockerConfig.at(dir);
                  for (int i = 0; i < perWriter; i++) {
                    c.login(prefix + "-" + i + ".example", "user" + i, "pw-" + prefix + "-" + i);
                  }
                } catch (Throwable e) {
                  writerErrors.add(e);
                }
              });
      w.start();
      writers.add(w);
    }
    start.countDown();
    for (Thread w : writers) {
      w.join();
    }
    assertThat(a.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(b.waitFor(2, TimeUnit.MINUTES)).isTrue();
    writing.set(false);
    reader.join();

    assertThat(writerErrors).isEmpty();
    assertThat(a.exitValue()).isZero();
    assertThat(b.exitValue()).isZero();
    assertThat(readerProblems).isEmpty();
    assertThat(reads.get()).isPositive();
    DockerConfig c = DockerConfig.at(dir);
    List<String> prefixes = new ArrayList<>(List.of("proc-a", "proc-b"));
    for (int t = 0; t < threads; t++) {
      prefixes.add("thread-" + t);
    }
    for (String p : prefixes) {
      for (int i = 0; i < perWriter; i++) {
        assertThat(c.lookup(p + "-" + i + ".example").orElseThrow().password())
            .contains("pw-" + p + "-" + i);
      }
    }
    JsonNode root = JSON.readTree(file().toFile());
    assertThat(root.get("auths").size()).isEqualTo(prefixes.size() * perWriter);
    assertThat(root.get("HttpHeaders").get("X-Keep").asText()).isEqualTo("1");
    assertThat(Files.getPosixFilePermissions(file())).isEqualTo(OWNER_RW);
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void aProcessKilledBetweenWriteAndRenameLeavesTheOldFileAndNoReadableSecret() throws Exception {
    DockerConfig.at(dir).login("before.example", "u", "pw-before");
    String before = Files.readString(file());

    Process crash = child(CrashingLoginMain.class, dir.toString(), "crash.example");
    assertThat(crash.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(crash.exitValue()).as("halted in the middle of the login").isEqualTo(3);

    // the old file is untouched, valid and private
    assertThat(Files.readString(file())).isEqualTo(before);
    JSON.readTree(file().toFile());
    assertThat(Files.getPosixFilePermissions(file())).isEqualTo(OWNER_RW);
    assertThat(DockerConfig.at(dir).lookup("crash.example")).isEmpty();
    // what the crash left behind holds the new credentials: it is private too
    for (Path tmp : temporaryFiles()) {
      assertThat(Files.getPosixFilePermissions(tmp)).isEqualTo(OWNER_RW);
    }
    // the OS released the dead writer's lock: the next login gets through and keeps the old entry
    DockerConfig.at(dir).login("after.example", "u", "pw-after");
    assertThat(DockerConfig.at(dir).lookup("before.example")).isPresent();
    assertThat(DockerConfig.at(dir).lookup("after.example")).isPresent();
    assertThat(Files.getPosixFilePermissions(file())).isEqualTo(OWNER_RW);
  }
}
