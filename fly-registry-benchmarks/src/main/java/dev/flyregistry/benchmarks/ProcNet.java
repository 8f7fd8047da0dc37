package dev.flyregistry.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts this process's ESTABLISHED TCP connections to a port, from {@code /proc/self/net/tcp} and
 * {@code tcp6} (every socket of the network namespace) joined with the socket inodes of {@code
 * /proc/self/fd} (the sockets this process holds). Linux only.
 */
final class ProcNet {
  private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)\\]");
  private static final String ESTABLISHED = "01";

  private ProcNet() {}

  /** ESTABLISHED connections of this process whose remote port is {@code remotePort}. */
  static int establishedTo(int remotePort) {
    Set<Long> mine = socketInodes(Path.of("/proc/self/fd"));
    int n = 0;
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      try {
        n += countEstablished(Files.readAllLines(p), mine, remotePort);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + table, e);
      }
    }
    return n;
  }

  static Set<Long> socketInodes(Path fdDir) {
    Set<Long> out = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
          if (m.matches()) {
            out.add(Long.parseLong(m.group(1)));
          }
        } catch (IOException e) {
          // closed while listing: not open any more
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + fdDir, e);
    }
    return out;
  }

  /**
   * Counts rows of a {@code /proc/net/tcp}-format table that are ESTABLISHED, have remote port
   * {@code remotePort} and an inode in {@code inodes}. The header row is skipped.
   */
  static int countEstablished(List<String> lines, Set<Long> inodes, int remotePort) {
    int n = 0;
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      if (f.length < 10 || !f[0].endsWith(":")) {
        continue;
      }
      String remote = f[2];
      int colon = remote.lastIndexOf(':');
      if (colon < 0 || !ESTABLISHED.equals(f[3])) {
        continue;
      }
      int port = Integer.parseInt(remote.substring(colon + 1), 16);
      long inode = Long.parseLong(f[9]);
      if (port == remotePort && inodes.contains(inode)) {
        n++;
      }
    }
    return n;
  }
}
