package dev.flyregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireCaptureTest {
  private static final int SERVER = 5000;

  /** A pcap capture in the given byte order, timestamp resolution and link type. */
  private static final class Pcap {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;
    private final boolean nanos;
    private final int link;

    Pcap(ByteOrder order, boolean nanos, int link) {
      this.order = order;
      this.nanos = nanos;
      this.link = link;
      ByteBuffer h = ByteBuffer.allocate(24).order(order);
      h.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4);
      h.putInt(0).putInt(0).putInt(160).putInt(link);
      out.writeBytes(h.array());
    }

    /** A TCP segment from {@code src} to {@code dst} at {@code micros} after second 1000. */
    Pcap segment(long micros, int src, int dst, String payload) {
      byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
      int linkHeader = link == 1 ? 14 : 16;
      ByteBuffer f = ByteBuffer.allocate(linkHeader + 20 + 20 + data.length);
      if (link == 1) {
        f.position(12);
        f.putShort((short) 0x0800);
      } else {
        f.position(14);
        f.putShort((short) 0x0800);
      }
      int ip = f.position();
      f.put((byte) 0x45).put((byte) 0).putShort((short) (40 + data.length));
      f.putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0);
      f.put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
      assertThat(f.position()).isEqualTo(ip + 20);
      f.putShort((short) src).putShort((short) dst).putInt(1).putInt(1);
      f.put((byte) 0x50).put((byte) 0x18).putShort((short) 512).putInt(0);
      f.put(data);
      ByteBuffer r = ByteBuffer.allocate(16).order(order);
      long seconds = 1000 + micros / 1_000_000;
      long fraction = micros % 1_000_000 * (nanos ? 1000 : 1);
      r.putInt((int) seconds).putInt((int) fraction).putInt(f.capacity()).putInt(f.capacity());
      out.writeBytes(r.array());
      out.writeBytes(f.array());
      return this;
    }

    List<WireCapture.Packet> read() throws IOException {
      List<WireCapture.Packet> packets = new ArrayList<>();
      WireCapture.read(new ByteArrayInputStream(out.toByteArray()), SERVER, packets::add);
      return packets;
    }
  }

  private static long at(long micros) {
    return (1000 + micros / 1_000_000) * 1_000_000_000L + micros % 1_000_000 * 1000;
  }

  @Test
  void aCaptureGivesEachDataSegmentOnTheServersPortWithItsDirectionAndKind() throws IOException {
    List<WireCapture.Packet> p =
        new Pcap(ByteOrder.LITTLE_ENDIAN, true, 1)
            .segment(0, 40000, SERVER, "HEAD /v2/a/manifests/v1 HTTP/1.1\r\n")
            .segment(900, SERVER, 40000, "HTTP/1.1 200 OK\r\n")
            .segment(950, 40000, SERVER, "") // an acknowledgement: no data
            .segment(1000, 40001, 6000, "GET /token HTTP/1.1\r\n") // another server
            .segment(1100, 40000, SERVER, "GET /v2/a/manifests/v2 HTTP/1.1\r\n")
            .read();

    assertThat(p)
        .containsExactly(
            new WireCapture.Packet(at(0), true, 40000, true),
            new WireCapture.Packet(at(900), false, 40000, false),
            new WireCapture.Packet(at(1100), true, 40000, true));
  }

  @Test
  void microsecondBigEndianAndLinuxCookedCapturesReadTheSame() throws IOException {
    List<WireCapture.Packet> p =
        new Pcap(ByteOrder.BIG_ENDIAN, false, 113)
            .segment(2_000_123, 40000, SERVER, "HEAD / HTTP/1.1\r\n")
            .segment(2_001_000, SERVER, 40000, "HTTP/1.1 404 Not Found\r\n")
            .read();

    assertThat(p)
        .containsExactly(
            new WireCapture.Packet(at(2_000_123), true, 40000, true),
            new WireCapture.Packet(at(2_001_000), false, 40000, false));
  }

  @Test
  void anythingButACaptureIsRefused() {
    byte[] text = "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> WireCapture.read(new ByteArrayInputStream(text), SERVER, packet -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a pcap capture");
  }

  @Test
  void onlyARequestLineStartsARequest() {
    assertThat(isRequest("HEAD /v2/ HTTP/1.1")).isTrue();
    assertThat(isRequest("GET /v2/ HTTP/1.1")).isTrue();
    assertThat(isRequest("HTTP/1.1 200 OK")).isFalse();
    assertThat(isRequest("\u0016\u0003\u0001")).isFalse(); // a TLS client hello
    assertThat(isRequest("GET http://x/ HTTP/1.1")).isFalse();
    assertThat(isRequest("")).isFalse();
  }

  private static boolean isRequest(String s) {
    return WireCapture.isRequestLine(s.getBytes(StandardCharsets.ISO_8859_1), 0);
  }

  private static WireCapture.Packet req(long micros, int port) {
    return new WireCapture.Packet(at(micros), true, port, true);
  }

  private static WireCapture.Packet answer(long micros, int port) {
    return new WireCapture.Packet(at(micros), false, port, false);
  }

  @Test
  void eachCheckSplitsIntoTheRegistrysTimeAndTheClientsUntilTheNextRequest() {
    List<WireCapture.Packet> span =
        List.of(
            req(0, 40000),
            answer(1000, 40000),
            req(1100, 40000),
            answer(2000, 40000),
            answer(2300, 40000), // the answer's last packet ends it
            req(2500, 40000),
            answer(3500, 40000));

    WireCapture.Timing t = WireCapture.timing(List.of(span));

    assertThat(t.checks()).isEqualTo(3);
    assertThat(t.registryMicros()).isCloseTo((1000 + 1200 + 1000) / 3.0, within(1e-9));
    assertThat(t.clientMicros()).isCloseTo((100 + 200) / 2.0, within(1e-9));
    assertThat(t.registryMedianMicros()).isCloseTo(1000, within(1e-9));
    assertThat(t.clientMedianMicros()).isCloseTo(150, within(1e-9));
  }

  @Test
  void anAnswerOnAnotherConnectionIsNotTakenForTheRequestsAndANewConnectionPerCheckIsTimed() {
    List<WireCapture.Packet> span =
        List.of(
            req(0, 40000),
            answer(1000, 40000),
            new WireCapture.Packet(at(1100), true, 40001, false), // a TLS hello, refused
            answer(1300, 40001),
            req(1500, 40002), // the next check on a new connection
            answer(2500, 40002));

    WireCapture.Timing t = WireCapture.timing(List.of(span));

    assertThat(t.checks()).isEqualTo(2);
    assertThat(t.registryMicros()).isCloseTo(1000, within(1e-9));
    assertThat(t.clientMicros()).isCloseTo(500, within(1e-9));
  }

  @Test
  void spansArePooledButNothingIsTimedAcrossTwo() {
    List<WireCapture.Packet> first = List.of(req(0, 40000), answer(1000, 40000));
    List<WireCapture.Packet> second =
        List.of(req(900_000, 40010), answer(901_200, 40010), req(901_300, 40010));

    WireCapture.Timing t = WireCapture.timing(List.of(first, second));

    assertThat(t.checks()).isEqualTo(3);
    // the last request of the second span was never answered: no registry time for it
    assertThat(t.registryMicros()).isCloseTo(1100, within(1e-9));
    assertThat(t.clientMicros()).isCloseTo(100, within(1e-9));
    assertThat(WireCapture.timing(List.of(List.of(req(0, 1))))).isNull();
  }

  @Test
  void aWindowIsMatchedOnTheKernelsClock() {
    Instant t = Instant.ofEpochSecond(1000, 1_000);
    assertThat(WireCapture.epochNanos(t)).isEqualTo(at(1));
  }

  // ------------------------------------------------------------------ in the report

  private static Sample wire(int round, String client, double rate, double reg, double cli) {
    return new Sample(
        round,
        "exists",
        "no auth",
        client,
        1,
        Map.of(
            "checksPerSecond",
            rate,
            "wireRegistryMicros",
            reg,
            "wireClientMicros",
            cli,
            "wireClientMedianMicros",
            cli * 0.8));
  }

  @Test
  void theTargetsBudgetIsJibCoresTimeOverTheTargetLessTheRegistrysTimeForTheSdk() {
    List<Sample> s = new ArrayList<>();
    // per round: jib-core 1,400 + 600 µs a check; the registry answers the SDK in 1,200 µs
    for (int r = 1; r <= 3; r++) {
      s.add(wire(r, Targets.SDK, 700, 1200, 120 + r));
      s.add(wire(r, Targets.JIB, 500, 1400, 600));
      s.add(wire(r, Targets.BARE, 780, 1180, 60));
      s.add(wire(r, Targets.HEY_MIX, 690, 1230, 150));
    }

    String why = new Targets(s, 3).wireBudget("no auth", 1.5);

    // 2,000 / 1.5 - 1,200 = 133 µs; 2,000 / 1,200 = 1.67x
    assertThat(why)
        .contains("the registry took 1,200 µs to answer the SDK's HEAD and 1,400 µs jib-core's GET")
        .contains("the SDK spent 122 µs, jib-core 600, hey 150, the bare loop 60")
        .contains("a check may take 133 µs of the SDK's own time")
        .contains("would get 1.67×");
  }

  @Test
  void aBudgetBelowNothingSaysSo() {
    List<Sample> s =
        List.of(wire(1, Targets.SDK, 700, 1400, 100), wire(1, Targets.JIB, 500, 1500, 500));
    // 2,000 / 1.5 - 1,400 = -67 µs
    assertThat(new Targets(s, 1).wireBudget("no auth", 1.5))
        .contains("a check may take no time (-67 µs) of the SDK's own time")
        .contains("would get 1.43×");
  }

  @Test
  void withoutWireFiguresThereIsNoBudgetAndNoTable() {
    List<Sample> s =
        List.of(
            new Sample(1, "exists", "no auth", Targets.SDK, 1, Map.of("checksPerSecond", 700.0)),
            new Sample(1, "exists", "no auth", Targets.JIB, 1, Map.of("checksPerSecond", 450.0)));
    assertThat(new Targets(s, 1).wireBudget("no auth", 1.5)).isEmpty();
    assertThat(report(s).wireTable("no auth")).isEmpty();
  }

  @Test
  void theReportTabulatesEachClientsWireTimesAtConcurrencyOne() {
    List<Sample> s =
        List.of(wire(1, Targets.SDK, 700, 1200, 125), wire(1, Targets.JIB, 500, 1400, 600));

    String table = report(s).wireTable("no auth");

    assertThat(table)
        .contains("**Concurrency 1 on the wire.**")
        .contains("| SDK existsAll | 700 | 1,200 | 125 | 100 |")
        .contains("| jib-core | 500 | 1,400 | 600 | 480 |");
  }

  private static Report report(List<Sample> samples) {
    return new Report(
        Options.parse(new String[] {"--rounds", "1"}),
        samples,
        List.of(),
        Map.of(),
        Instant.EPOCH,
        Instant.EPOCH,
        "",
        "");
  }
}
