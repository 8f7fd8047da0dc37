package dev.flyregistry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigLoginTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("config.json");
  }

  private JsonNode read() throws IOException {
    return JSON.readTree(Files.readAllBytes(file()));
  }

  private static String decode(JsonNode entry) {
    return new String(
        Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void loginCreatesDirectoryAndFileOwnerOnly() throws IOException {
    Path docker = dir.resolve("home/.docker");
    DockerConfig.at(docker).login("registry.fly.io", "x", "fm2_abc");
    JsonNode root = JSON.readTree(Files.readAllBytes(docker.resolve("config.json")));
    assertThat(decode(root.get("auths").get("registry.fly.io"))).isEqualTo("x:fm2_abc");
    assumeTrue(posix(docker), "POSIX permissions not supported here");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(docker)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(docker.resolve("config.json"))))
        .isEqualTo("rw-------");
  }

  @Test
  void rewriteKeepsMode0600EvenWhenTheOldFileWasWider() throws IOException {
    assumeTrue(posix(dir), "POSIX permissions not supported here");
    Files.writeString(file(), "{}");
    Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));
    DockerConfig.at(dir).login("r.example", "u", "p");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
        .isEqualTo("rw-------");
  }

  @Test
  void loginKeepsEveryOtherKeyAndEntryInOrder() throws IOException {
    String before =
        "{\n"
            + "  \"HttpHeaders\": {\"User-Agent\": \"Docker-Client/24\"},\n"
            + "  \"auths\": {\n"
            + "    \"ghcr.io\": {\"auth\": \"Z2g6dG9r\"},\n"
            + "    \"registry.fly.io\": {\"auth\": \"b2xkOm9sZA==\", \"email\": \"me@example.com\","
            + " \"identitytoken\": \"stale\"},\n"
            + "    \"https://index.docker.io/v1/\": {}\n"
            + "  },\n"
            + "  \"credHelpers\": {\"gcr.io\": \"gcloud\"},\n"
            + "  \"psFormat\": \"table {{.ID}}\",\n"
            + "  \"experimental\": \"enabled\",\n"
            + "  \"nested\": {\"list\": [1, 2.50, {\"deep\": null}], \"big\": 12345678901234567890}\n"
            + "}\n";
    Files.writeString(file(), before);
    DockerConfig.at(dir).loginFly(FlyToken.parse("FlyV1 fm2_new,fo1_user"));

    JsonNode after = read();
    JsonNode expected = JSON.readTree(before);
    assertThat(fieldNames(after)).containsExactlyElementsOf(fieldNames(expected));
    for (String key : List.of("HttpHeaders", "credHelpers", "psFormat", "experimental", "nested")) {
      assertThat(after.get(key)).as(key).isEqualTo(expected.get(key));
    }
    assertThat(Files.readString(file())).contains("2.50").contains("12345678901234567890");
    JsonNode auths = after.get("auths");
    assertThat(fieldNames(auths))
        .containsExactly("ghcr.io", "registry.fly.io", "https://index.docker.io/v1/");
    assertThat(auths.get("ghcr.io")).isEqualTo(expected.get("auths").get("ghcr.io"));
    assertThat(auths.get("https://index.docker.io/v1/")).isEqualTo(JSON.createObjectNode());
    JsonNode fly = auths.get("registry.fly.io");
    assertThat(decode(fly)).isEqualTo("x:fm2_new");
    assertThat(fly.get("email").asText()).isEqualTo("me@example.com");
    assertThat(fly.has("identitytoken")).isFalse();
  }

  @Test
  void loginUpdatesAnEquivalentKeyInPlace() throws IOException {
    Files.writeString(file(), "{\"auths\":{\"https://r.example\":{\"auth\":\"dTpw\"}}}");
    DockerConfig c = DockerConfig.at(dir);
    c.login("r.example", "v", "q");
    assertThat(fieldNames(read().get("auths"))).containsExactly("https://r.example");
    assertThat(c.lookup("r.example").orElseThrow().username()).isEqualTo("v");
  }

  @Test
  void writtenConfigReadsBackThroughLookup() {
    DockerConfig c = DockerConfig.at(dir);
    FlyToken token = FlyToken.parse("fm2_one,fm2_two");
    c.login("registry.fly.io", token);
    RegistryCredential cred = c.lookup("registry.fly.io").orElseThrow();
    assertThat(cred.username()).isEqualTo("x");
    assertThat(cred.password()).contains("fm2_one,fm2_two");
    c.login("registry.fly.io", "x", "fm2_three");
    assertThat(c.lookup("registry.fly.io").orElseThrow().password()).contains("fm2_three");
  }

  @Test
  void logoutRemovesOnlyThatHost() throws IOException {
    Files.writeString(
        file(),
        "{\"auths\":{\"a.example\":{\"auth\":\"dTpw\"},\"https://b.example/v1/\":{\"auth\":\"dTpw\"},"
            + "\"b.example\":{}},\"credsStore\":\"\"}");
    DockerConfig c = DockerConfig.at(dir);
    assertThat(c.logout("b.example")).isTrue();
    assertThat(fieldNames(read().get("auths"))).containsExactly("a.example");
    assertThat(read().has("credsStore")).isTrue();
    assertThat(c.logout("b.example")).isFalse();
  }

  @Test
  void logoutWithoutAFileWritesNothing() {
    assertThat(DockerConfig.at(dir).logout("r.example")).isFalse();
    assertThat(file()).doesNotExist();
  }

  @Test
  void malformedFileIsReportedAndNeverOverwritten() throws IOException {
    String broken = "{\"auths\": {\"r.example\": {\"auth\": \"dTpw\"}},, \"psFormat\": 1";
    Files.writeString(file(), broken);
    assertThatThrownBy(() -> DockerConfig.at(dir).login("registry.fly.io", "x", "secret-pw"))
        .isInstanceOf(DockerConfigException.class)
        .hasMessageContaining("malformed")
        .hasMessageNotContaining("secret-pw");
    assertThat(Files.readString(file())).isEqualTo(broken);
  }

  @Test
  void authsThatIsNotAnObjectIsNeverOverwritten() throws IOException {
    Files.writeString(file(), "{\"auths\": \"oops\"}");
    assertThatThrownBy(() -> DockerConfig.at(dir).login("r.example", "u", "p"))
        .isInstanceOf(DockerConfigException.class);
    assertThat(Files.readString(file())).isEqualTo("{\"auths\": \"oops\"}");
  }

  @Test
  void crashBeforeRenameLeavesTheOldFileIntact() throws IOException {
    String old = "{\"auths\":{\"r.example\":{\"auth\":\"dTpw\"}},\"keep\":true}";
    Files.writeString(file(), old);
    List<Path> seenTemp = new ArrayList<>();
    DockerConfig crashing =
        DockerConfig.at(dir)
            .withBeforeRename(
                tmp -> {
                  seenTemp.add(tmp);
                  // the new content is fully written to the temporary file at this point
                  try {
                    assertThat(Files.readString(tmp)).contains("other.example");
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  throw new IllegalStateException("simulated crash");
                });
    assertThatThrownBy(() -> crashing.login("other.example", "u", "p"))
        .hasMessageContaining("simulated crash");
    assertThat(Files.readString(file())).isEqualTo(old);
    assertThat(seenTemp).hasSize(1);
    assertThat(seenTemp.get(0).getParent()).isEqualTo(dir);
    assertThat(seenTemp.get(0)).doesNotExist();
    // the lock was released: a normal writer gets through afterwards
    DockerConfig.at(dir).login("other.example", "u", "p");
    assertThat(DockerConfig.at(dir).lookup("other.example")).isPresent();
    assertThat(DockerConfig.at(dir).lookup("r.example")).isPresent();
  }

  @Test
  void symlinkedConfigIsWrittenThroughTheLink() throws IOException {
    Path real = Files.createDirectories(dir.resolve("dotfiles")).resolve("docker.json");
    Files.writeString(real, "{\"keep\":1}");
    Path docker = Files.createDirectories(dir.resolve("docker"));
    try {
      Files.createSymbolicLink(docker.resolve("config.json"), real);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported here");
    }
    DockerConfig.at(docker).login("r.example", "u", "p");
    assertThat(Files.isSymbolicLink(docker.resolve("config.json"))).isTrue();
    assertThat(Files.readString(real)).contains("r.example").contains("keep");
  }

  @Test
  void concurrentThreadsAllLand() throws Exception {
    Files.writeString(file(), "{\"psFormat\":\"keep\"}");
    int threads = 8;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  // a fresh instance per thread, as separate components would have
                  DockerConfig c = DockerConfig.at(dir);
                  for (int i = 0; i < perThread; i++) {
                    c.login("t" + id + "-" + i + ".example", "u" + id, "p" + i);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    JsonNode root = read();
    assertThat(root.get("psFormat").asText()).isEqualTo("keep");
    assertThat(root.get("auths").size()).isEqualTo(threads * perThread);
    DockerConfig c = DockerConfig.at(dir);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        RegistryCredential cred = c.lookup("t" + t + "-" + i + ".example").orElseThrow();
        assertThat(cred.username()).isEqualTo("u" + t);
        assertThat(cred.password()).contains("p" + i);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("config.json", "config.json.lock");
    }
  }

  @Test
  void twoPathsToOneDirectoryShareTheLock() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link;
    try {
      link = Files.createSymbolicLink(dir.resolve("link"), real);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported here");
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Path via = t % 2 == 0 ? real : link;
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    DockerConfig.at(via).login("h" + id + "-" + i + ".example", "u", "p");
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(JSON.readTree(Files.readAllBytes(real.resolve("config.json"))).get("auths").size())
        .isEqualTo(40);
  }

  @Test
  void readersNeverSeeAPartialFileWhileWritersRewriteIt() throws Exception {
    DockerConfig c = DockerConfig.at(dir);
    c.login("stable.example", "s", "pw");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?> writer =
          pool.submit(
              () -> {
                for (int i = 0; i < 60; i++) {
                  // grow the file so that a torn read would be visible as malformed JSON
                  c.login("w" + i + ".example", "u", "p".repeat(200));
                }
                return null;
              });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(
            pool.submit(
                () -> {
                  int reads = 0;
                  DockerConfig mine = DockerConfig.at(dir);
                  while (!writer.isDone()) {
                    assertThat(mine.lookup("stable.example")).isPresent();
                    reads++;
                  }
                  return reads;
                }));
      }
      writer.get(2, TimeUnit.MINUTES);
      for (Future<Integer> r : readers) {
        assertThat(r.get(2, TimeUnit.MINUTES)).isPositive();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(read().get("auths").size()).isEqualTo(61);
  }

  @Test
  void dockerHubLoginUsesTheIndexKey() throws IOException {
    DockerConfig c = DockerConfig.at(dir);
    c.login("docker.io", "me", "pw");
    assertThat(fieldNames(read().get("auths"))).containsExactly("https://index.docker.io/v1/");
    assertThat(c.lookup("registry-1.docker.io").orElseThrow().username()).isEqualTo("me");
  }

  @Test
  void anotherProcessWritingAtTheSameTimeBothLand() throws Exception {
    Files.writeString(file(), "{\"credHelpers\":{\"gcr.io\":\"gcloud\"}}");
    int count = 40;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ConcurrentLoginMain.class.getName(),
                dir.toString(),
                "child",
                Integer.toString(count))
            .redirectErrorStream(true)
            .start();
    List<String> childOutput = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      childOutput.add(String.valueOf(line));
      // the child is about to write: write from this JVM at the same time
      DockerConfig c = DockerConfig.at(dir);
      for (int i = 0; i < count; i++) {
        c.login("parent-" + i + ".example", "user" + i, "pw-parent-" + i);
      }
      for (String l = out.readLine(); l != null; l = out.readLine()) {
        childOutput.add(l);
      }
    }
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("child finished").isTrue();
    assertThat(child.exitValue()).as("child output: %s", childOutput).isZero();
    assertThat(childOutput).contains("ready", "done");

    DockerConfig c = DockerConfig.at(dir);
    for (String who : List.of("parent", "child")) {
      for (int i = 0; i < count; i++) {
        assertThat(c.lookup(who + "-" + i + ".example").orElseThrow().password())
            .contains("pw-" + who + "-" + i);
      }
    }
    assertThat(read().get("auths").size()).isEqualTo(2 * count);
    assertThat(read().get("credHelpers").get("gcr.io").asText()).isEqualTo("gcloud");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
