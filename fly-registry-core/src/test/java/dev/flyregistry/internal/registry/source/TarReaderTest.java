package dev.flyregistry.internal.registry.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {
  @TempDir Path tmp;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static List<TarReader.Entry> entries(byte[] tar) throws IOException {
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    List<TarReader.Entry> out = new ArrayList<>();
    TarReader.Entry e;
    while ((e = r.next()) != null) {
      out.add(e);
    }
    return out;
  }

  @Test
  void readsUstarEntriesAndTheirData() throws IOException {
    byte[] a = random(1000, 1);
    byte[] b = random(512, 2);
    byte[] tar = new TestTar().dir("d").file("d/a.bin", a).file("b.bin", b).bytes();

    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    TarReader.Entry d = r.next();
    assertThat(d.type()).isEqualTo(TarReader.Type.DIRECTORY);
    TarReader.Entry ea = r.next();
    assertThat(ea.name()).isEqualTo("d/a.bin");
    assertThat(ea.size()).isEqualTo(1000);
    assertThat(r.data().readAllBytes()).isEqualTo(a);
    TarReader.Entry eb = r.next(); // without reading its data first
    assertThat(eb.name()).isEqualTo("b.bin");
    assertThat(eb.dataOffset()).isEqualTo(512 * 5); // dir hdr, a hdr, 2 data blocks, b hdr
    assertThat(r.data().readAllBytes()).isEqualTo(b);
    assertThat(r.next()).isNull();
  }

  @Test
  void longNamesFromUstarPrefixPaxAndGnuRecords() throws IOException {
    String viaPrefix = "p".repeat(120) + "/" + "file-in-prefixed-dir.txt";
    String viaPax = "x".repeat(300) + "/pax-name.txt";
    String viaGnu = "g".repeat(150) + "/gnu-name.txt";
    byte[] tar =
        new TestTar()
            .file(viaPrefix, "one")
            .paxFile(viaPax, "two".getBytes(StandardCharsets.UTF_8))
            .gnuLongFile(viaGnu, "three".getBytes(StandardCharsets.UTF_8))
            .bytes();

    assertThat(entries(tar))
        .extracting(TarReader.Entry::name)
        .containsExactly(viaPrefix, viaPax, viaGnu);
  }

  @Test
  void sizeInGnuBase256() throws IOException {
    byte[] data = random(700, 3);
    byte[] tar = new TestTar().base256File("big", data).file("after", "x").bytes();
    List<TarReader.Entry> es = entries(tar);
    assertThat(es.get(0).size()).isEqualTo(700);
    assertThat(es.get(1).name()).isEqualTo("after");
  }

  @Test
  void corruptHeaderIsReported() {
    byte[] tar = new TestTar().file("a", "hello").bytes();
    tar[10] ^= 0x55; // the name changes, the checksum no longer matches
    assertThatThrownBy(() -> entries(tar))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void malformedPaxRecordsAreReportedAsIoErrors() {
    // a record length near Integer.MAX_VALUE after a first record: i + len overflowed and the
    // check let it through to an array index out of bounds
    byte[] overflow = "6 a=b\n2147483647 path=x\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> TarReader.parsePax(overflow))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("malformed pax");

    byte[] negative = new TestTar().paxRecord("size", "-5").file("a", "hello").bytes();
    assertThatThrownBy(() -> entries(negative))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void truncatedDataIsReported() throws IOException {
    byte[] full = new TestTar().file("a", random(2000, 4)).bytes();
    byte[] cut = java.util.Arrays.copyOf(full, 512 + 1000);
    TarReader r = new TarReader(new ByteArrayInputStream(cut));
    r.next();
    InputStream data = r.data();
    assertThatThrownBy(data::readAllBytes).isInstanceOf(java.io.EOFException.class);
  }

  @Test
  void indexOpensEntriesByOffsetAndFollowsLinks() throws IOException {
    byte[] layer = random(5000, 5);
    Path file =
        new TestTar()
            .file("./abc/layer.tar", layer)
            .symlink("def/layer.tar", "../abc/layer.tar")
            .hardlink("ghi/layer.tar", "abc/layer.tar")
            .symlink("loop/a", "b")
            .symlink("loop/b", "a")
            .write(tmp.resolve("x.tar"));
    TarIndex index = TarIndex.scan(file);

    assertThat(index.names()).contains("abc/layer.tar", "def/layer.tar", "ghi/layer.tar");
    try (InputStream in = index.open("abc/layer.tar")) {
      assertThat(in.readAllBytes()).isEqualTo(layer);
    }
    try (InputStream in = index.open("def/layer.tar")) {
      assertThat(in.readAllBytes()).isEqualTo(layer);
    }
    try (InputStream in = index.open("./ghi//layer.tar")) {
      assertThat(in.readAllBytes()).isEqualTo(layer);
    }
    assertThat(index.file("loop/a")).isEmpty();
    assertThatThrownBy(() -> index.open("nope")).isInstanceOf(NoSuchFileException.class);
  }

  /** Cross-check with GNU tar's own pax and GNU formats when the tool is installed. */
  @Test
  void readsArchivesWrittenByGnuTar() throws Exception {
    assumeTrue(hasTar(), "GNU tar not installed");
    Path src = tmp.resolve("src");
    String longDir = "d".repeat(80) + "/" + "e".repeat(80);
    Files.createDirectories(src.resolve(longDir));
    byte[] data = random(70_000, 6);
    Files.write(src.resolve(longDir).resolve("f".repeat(90) + ".bin"), data);
    Files.createSymbolicLink(src.resolve("link"), Path.of(longDir, "f".repeat(90) + ".bin"));
    for (String format : List.of("gnu", "pax", "ustar")) {
      Path out = tmp.resolve(format + ".tar");
      Process p =
          new ProcessBuilder(
                  "tar", "--format=" + format, "-cf", out.toString(), "-C", src.toString(), ".")
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (p.exitValue() != 0) {
        assertThat(format).as("tar failed: " + log).isEqualTo("ustar"); // ustar may refuse
        continue;
      }
      TarIndex index = TarIndex.scan(out);
      try (InputStream in = index.open(longDir + "/" + "f".repeat(90) + ".bin")) {
        assertThat(in.readAllBytes()).as(format).isEqualTo(data);
      }
      try (InputStream in = index.open("link")) {
        assertThat(in.readAllBytes()).as(format).isEqualTo(data);
      }
    }
  }

  private static boolean hasTar() {
    try {
      Process p = new ProcessBuilder("tar", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
