package dev.flyregistry.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times the checks of the concurrency-1 block on the wire: {@code tcpdump} captures the loopback
 * packets that carry data to and from the registry's port while the block runs, and each client
 * run's packets (those inside the run's time window) give, per check, how long the registry took
 * from the request's first packet to its answer's last one, and how long the client took from that
 * answer to its next request. Kernel timestamps, taken the same way for every client, including hey
 * and jib-core, whose own code is not instrumented.
 *
 * <p>At concurrency 1 the two add up to the time per check, so they show which part of a client's
 * rate is the registry's and which the client's own. Only meaningful for one request at a time.
 */
final class WireCapture implements AutoCloseable {
  /** pcap magic numbers (as read little-endian): microsecond and nanosecond timestamps. */
  private static final int MAGIC_MICROS = 0xa1b2c3d4;

  private static final int MAGIC_NANOS = 0xa1b23c4d;
  private static final int LINK_ETHERNET = 1;
  private static final int LINK_LINUX_SLL = 113;
  private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");

  /**
   * One captured TCP segment with data.
   *
   * @param epochNanos when the kernel saw it
   * @param toServer sent to the registry's port (a client's), or from it (the registry's)
   * @param clientPort the client's end of the connection
   * @param requestStart its data begins with an HTTP request line ({@code HEAD /}, {@code GET /}…)
   */
  record Packet(long epochNanos, boolean toServer, int clientPort, boolean requestStart) {}

  /**
   * The wire figures of one run of checks sent one at a time.
   *
   * @param checks requests seen
   * @param registryMicros per check, the mean time from a request's first packet to the last packet
   *     of its answer
   * @param clientMicros per check, the mean time from an answer's last packet to the next request
   * @param registryMedianMicros the median of the former
   * @param clientMedianMicros the median of the latter
   */
  record Timing(
      int checks,
      double registryMicros,
      double clientMicros,
      double registryMedianMicros,
      double clientMedianMicros) {}

  private final Process process;
  private final int serverPort;
  private final Path file;
  private final List<Packet> packets = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private final Thread errReader;

  private WireCapture(Process process, int serverPort, Path file) {
    this.process = process;
    this.serverPort = serverPort;
    this.file = file;
    CountDownLatch listening = new CountDownLatch(1);
    this.errReader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  synchronized (stderr) {
                    stderr.append(line).append('\n');
                  }
                  if (line.contains("listening on")) {
                    listening.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended
              } finally {
                listening.countDown();
              }
            },
            "tcpdump-stderr");
    errReader.setDaemon(true);
    errReader.start();
    try {
      if (!listening.await(10, TimeUnit.SECONDS) || !process.isAlive()) {
        process.destroyForcibly();
        throw new IllegalStateException("tcpdump did not start capturing: " + stderrText().strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while starting tcpdump", e);
    }
  }

  /**
   * Starts capturing the data packets to and from {@code serverPort} on the loopback interface.
   *
   * @throws IllegalStateException when tcpdump cannot run or capture (not installed, no permission)
   */
  static WireCapture start(int serverPort) {
    String filter =
        "tcp port "
            + serverPort
            + " and (((ip[2:2] - ((ip[0] & 0xf) << 2)) - ((tcp[12] & 0xf0) >> 2)) != 0)";
    List<String> cmd =
        List.of(
            "tcpdump",
            "-i",
            "lo",
            "-nn",
            "-s",
            "160",
            "-B",
            "8192",
            "--time-stamp-precision=nano",
            "-w",
            "-",
            filter);
    try {
      // tcpdump writes the capture to its standard output, which is this file (opened here, so
      // tcpdump's dropping of privileges does not matter); it is read once tcpdump has exited
      Path file = Files.createTempFile("fly-registry-bench-", ".pcap");
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(file.toFile())
              .redirectInput(Redirect.PIPE)
              .start();
      p.getOutputStream().close();
      return new WireCapture(p, serverPort, file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run tcpdump: " + e.getMessage(), e);
    }
  }

  /**
   * Stops the capture (after a two-second wait for the kernel's last block of packets) and waits
   * until every captured packet has been read.
   *
   * @return the packets the kernel dropped (0 when tcpdump kept up)
   */
  int stop() {
    try {
      // the kernel hands captured packets to tcpdump in blocks, a block at the latest a second
      // after its first packet: wait for the last one before stopping it
      Thread.sleep(2_000);
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("tcpdump did not stop within 20 s");
      }
      errReader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping tcpdump", e);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      read(in, serverPort, packets::add);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read tcpdump's capture: " + e.getMessage(), e);
    }
    Matcher m = DROPPED.matcher(stderrText());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file: left for the system to clean
    }
  }

  /**
   * The captured packets seen from {@code from} to {@code to}, in capture order; after {@link
   * #stop}.
   */
  List<Packet> between(Instant from, Instant to) {
    long a = epochNanos(from);
    long b = epochNanos(to);
    List<Packet> out = new ArrayList<>();
    for (Packet p : packets) {
      if (p.epochNanos() >= a && p.epochNanos() <= b) {
        out.add(p);
      }
    }
    return out;
  }

  private String stderrText() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  static long epochNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /**
   * The wire timing of checks sent one at a time, from their packets in capture order, pooled over
   * one or more spans of capture (each span on its own: nothing is timed across two). A request's
   * registry time runs from its first packet to the last packet the registry sent on the same
   * connection before the client's next request; the client's time from there to that next request
   * (on any connection: a client may open a new one per check). Packets on other connections in
   * between (a refused TLS attempt, for example) are not taken for the answer.
   *
   * @return the timing, or null when no request was answered
   */
  static Timing timing(List<List<Packet>> spans) {
    List<Double> registry = new ArrayList<>();
    List<Double> client = new ArrayList<>();
    int checks = 0;
    for (List<Packet> span : spans) {
      long requestAt = -1;
      int requestPort = -1;
      long answeredAt = -1;
      for (Packet p : span) {
        if (p.toServer()) {
          if (!p.requestStart()) {
            continue;
          }
          if (answeredAt >= 0) {
            registry.add((answeredAt - requestAt) / 1e3);
            client.add((p.epochNanos() - answeredAt) / 1e3);
          }
          checks++;
          requestAt = p.epochNanos();
          requestPort = p.clientPort();
          answeredAt = -1;
        } else if (requestAt >= 0 && p.clientPort() == requestPort) {
          answeredAt = p.epochNanos();
        }
      }
      if (answeredAt >= 0) {
        registry.add((answeredAt - requestAt) / 1e3);
      }
    }
    if (registry.isEmpty()) {
      return null;
    }
    return new Timing(
        checks,
        mean(registry),
        client.isEmpty() ? Double.NaN : mean(client),
        Stats.of(registry).median(),
        client.isEmpty() ? Double.NaN : Stats.of(client).median());
  }

  private static double mean(List<Double> values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.size();
  }

  /**
   * Reads a pcap stream (as {@code tcpdump -w -} writes it: Ethernet or Linux cooked link layer,
   * IPv4, microsecond or nanosecond timestamps) and passes on each TCP segment with data to or from
   * {@code serverPort}.
   *
   * @throws IOException when the stream is not such a capture
   */
  static void read(InputStream stream, int serverPort, Consumer<Packet> sink) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    byte[] header = new byte[24];
    try {
      in.readFully(header);
    } catch (EOFException e) {
      return; // nothing captured
    }
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int magic = h.getInt(0);
    if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
      h.order(ByteOrder.BIG_ENDIAN);
      magic = h.getInt(0);
      if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
        throw new IOException("not a pcap capture (magic " + Integer.toHexString(magic) + ")");
      }
    }
    ByteOrder order = h.order();
    long fractionScale = magic == MAGIC_NANOS ? 1 : 1_000;
    int link = h.getInt(20);
    int linkHeader =
        switch (link) {
          case LINK_ETHERNET -> 14;
          case LINK_LINUX_SLL -> 16;
          default -> throw new IOException("unsupported pcap link type " + link);
        };
    byte[] record = new byte[16];
    while (true) {
      try {
        in.readFully(record);
      } catch (EOFException e) {
        return;
      }
      ByteBuffer r = ByteBuffer.wrap(record).order(order);
      long seconds = Integer.toUnsignedLong(r.getInt(0));
      long fraction = Integer.toUnsignedLong(r.getInt(4));
      int captured = r.getInt(8);
      if (captured < 0 || captured > 262_144) {
        throw new IOException("corrupt pcap record of " + captured + " bytes");
      }
      byte[] data = new byte[captured];
      try {
        in.readFully(data);
      } catch (EOFException e) {
        return; // cut off by the end of the capture
      }
      Packet p =
          packet(data, linkHeader, seconds * 1_000_000_000L + fraction * fractionScale, serverPort);
      if (p != null) {
        sink.accept(p);
      }
    }
  }

  /**
   * The captured frame as a packet to or from {@code serverPort}, or null when it is not an IPv4
   * TCP segment with data on that port.
   */
  static Packet packet(byte[] d, int linkHeader, long epochNanos, int serverPort) {
    int ip = linkHeader;
    if (d.length < ip + 20 || (d[ip] >> 4 & 0xf) != 4 || (d[ip + 9] & 0xff) != 6) {
      return null;
    }
    int ipHeader = (d[ip] & 0xf) * 4;
    int total = (d[ip + 2] & 0xff) << 8 | (d[ip + 3] & 0xff);
    int tcp = ip + ipHeader;
    if (d.length < tcp + 20) {
      return null;
    }
    int source = (d[tcp] & 0xff) << 8 | (d[tcp + 1] & 0xff);
    int destination = (d[tcp + 2] & 0xff) << 8 | (d[tcp + 3] & 0xff);
    int tcpHeader = (d[tcp + 12] >> 4 & 0xf) * 4;
    if (total - ipHeader - tcpHeader <= 0 || (source != serverPort && destination != serverPort)) {
      return null;
    }
    boolean toServer = destination == serverPort;
    return new Packet(
        epochNanos,
        toServer,
        toServer ? source : destination,
        toServer && isRequestLine(d, tcp + tcpHeader));
  }

  /**
   * Whether the bytes at {@code at} begin {@code METHOD /}: a method in capitals, a space, a slash.
   */
  static boolean isRequestLine(byte[] d, int at) {
    int i = at;
    while (i < d.length && i - at < 8 && d[i] >= 'A' && d[i] <= 'Z') {
      i++;
    }
    return i > at && i + 1 < d.length && d[i] == ' ' && d[i + 1] == '/';
  }
}
