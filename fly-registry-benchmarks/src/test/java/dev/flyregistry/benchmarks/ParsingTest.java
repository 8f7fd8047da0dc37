package dev.flyregistry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParsingTest {

  @Test
  void stealIsAShareOfTheCpuTimeThatPassed() throws Exception {
    long[] before = Machine.cpuTicks();
    if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc/stat"))) {
      assertThat(before).containsExactly(0, 0); // unknown off Linux
      return;
    }
    assertThat(before[1]).isPositive();
    assertThat(before[0]).isBetween(0L, before[1]);
    Thread.sleep(50); // 5 ticks of 10 ms on each CPU
    double steal = Machine.stealPercentSince(before);
    assertThat(steal).isBetween(0.0, 100.0);
    assertThat(Machine.stealPercentSince(new long[] {0, Long.MAX_VALUE})).isNaN();
  }

  @Test
  void heyOutputGivesRateAndStatusCounts() {
    String out =
        """

        Summary:
          Total:\t2.1034 secs
          Slowest:\t0.0912 secs
          Fastest:\t0.0004 secs
          Average:\t0.0163 secs
          Requests/sec:\t950.8324

        Response time histogram:
          0.000 [1]\t|
          0.009 [812]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■

        Status code distribution:
          [200]\t1990 responses
          [404]\t7 responses

        Error distribution:
          [3]\tHead "http://127.0.0.1:5000/v2/app-00/manifests/v0000": dial tcp: connection refused
        """;
    HeyOutput hey = HeyOutput.parse(out);
    assertThat(hey.requestsPerSecond()).isEqualTo(950.8324);
    assertThat(hey.responses(200)).isEqualTo(1990);
    assertThat(hey.responses(404)).isEqualTo(7);
    assertThat(hey.responses(500)).isZero();
    assertThat(hey.totalResponses()).isEqualTo(1997);
    assertThat(hey.errors()).isEqualTo(3);
  }

  @Test
  void heyOutputWithoutRateIsAnError() {
    assertThatThrownBy(() -> HeyOutput.parse("flag provided but not defined: -x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Requests/sec");
  }

  @Test
  void establishedConnectionsAreCountedByRemotePortStateAndInode() {
    List<String> tcp =
        List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            // 127.0.0.1:40000 -> 127.0.0.1:5000 (0x1388), ESTABLISHED, inode 111: counted
            "   0: 0100007F:9C40 0100007F:1388 01 00000000:00000000 00:00000000 00000000     0        0 111 1 0 20 4 30 10 -1",
            // same, but another process's socket (inode not ours)
            "   1: 0100007F:9C41 0100007F:1388 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1",
            // ours, TIME_WAIT (06)
            "   2: 0100007F:9C42 0100007F:1388 06 00000000:00000000 03:00000000 00000000     0        0 333 1 0 20 4 30 10 -1",
            // ours, ESTABLISHED to another port (5001 = 0x1389)
            "   3: 0100007F:9C43 0100007F:1389 01 00000000:00000000 00:00000000 00000000     0        0 444 1 0 20 4 30 10 -1",
            // the registry's side of a connection: local port 5000, remote an ephemeral port
            "   4: 0100007F:1388 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 555 1 0 20 4 30 10 -1");
    assertThat(ProcNet.countEstablished(tcp, Set.of(111L, 333L, 444L, 555L), 5000)).isEqualTo(1);
    assertThat(ProcNet.countEstablished(tcp, Set.of(111L, 222L), 5000)).isEqualTo(2);
    assertThat(ProcNet.countEstablished(tcp, Set.of(), 5000)).isZero();
  }

  @Test
  void ownSocketsAreFoundInProcSelfFd() throws Exception {
    try (java.net.ServerSocket server =
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        java.net.Socket client =
            new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort());
        java.net.Socket accepted = server.accept()) {
      assertThat(ProcNet.establishedTo(server.getLocalPort()))
          .as("one client connection from this JVM to the port")
          .isEqualTo(1);
      assertThat(accepted.isConnected()).isTrue();
      assertThat(client.isConnected()).isTrue();
    }
  }

  @Test
  void childrenCpuTimeIsReadAfterTheCommandName() {
    // pid (comm with spaces) state ppid pgrp session tty tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime ...
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194304 100 200 0 0 50 60 7 8 20 0 30 0";
    assertThat(Machine.childrenCpuTicks(stat)).isEqualTo(15);
  }

  @Test
  void statsGiveMedianAndRange() {
    assertThat(Stats.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Stats(2.0, 1.0, 3.0, 3));
    assertThat(Stats.of(List.of(4.0, 1.0, 2.0, 3.0)).median()).isEqualTo(2.5);
    assertThat(Stats.of(List.of(1000.0, 900.0, 1100.0)).format(0)).isEqualTo("1,000 (900–1,100)");
    assertThat(Stats.of(List.of(5.0)).format(1)).isEqualTo("5.0");
    assertThatThrownBy(() -> Stats.of(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsQuickAndOverrides() {
    Options quick = Options.parse(new String[] {"--quick"});
    assertThat(quick.rounds()).isEqualTo(1);
    assertThat(quick.pushMiB()).containsExactly(64);
    Options full = Options.parse(new String[] {"--rounds", "5", "--skip", "push,cold"});
    assertThat(full.rounds()).isEqualTo(5);
    assertThat(full.pushMiB()).containsExactly(64, 512);
    assertThat(full.runs("push")).isFalse();
    assertThat(full.runs("graphql")).isTrue();
    assertThatThrownBy(() -> Options.parse(new String[] {"--refs", "15"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Options.parse(new String[] {"--bogus"}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTableRowSeparatesItsCellsWithPipesAndEndsTheLine() {
    assertThat(Report.row("SDK existsAll", 16, "973 (881–1,001)"))
        .isEqualTo("| SDK existsAll | 16 | 973 (881–1,001) |\n");
    assertThat(Report.row()).isEqualTo("|\n");
  }
}
