package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.PushProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Push progress on stderr. On a terminal: one bar redrawn in place ({@code [#####-----] 52% 1.2
 * MiB/2.3 MiB}). Otherwise (pipes, CI logs): one line per blob as it finishes or is skipped.
 * Thread-safe: the SDK reports from its upload threads.
 */
final class ProgressBar implements PushProgress {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final boolean interactive;
  private final Map<String, long[]> blobs = new ConcurrentHashMap<>();
  private long lastDraw;
  private boolean drawn;

  ProgressBar(PrintWriter err, boolean interactive) {
    this.err = err;
    this.interactive = interactive;
  }

  @Override
  public synchronized void blobStarted(Descriptor blob) {
    blobs.put(blob.digest().toString(), new long[] {0, blob.size()});
    draw(false);
  }

  @Override
  public synchronized void bytesSent(Descriptor blob, long sent, long total) {
    long[] state = blobs.computeIfAbsent(blob.digest().toString(), k -> new long[] {0, total});
    state[0] = sent;
    draw(false);
  }

  @Override
  public void blobSkipped(Descriptor blob, SkipReason reason) {
    line(
        short12(blob)
            + (reason == SkipReason.MOUNTED ? ": mounted" : ": already exists")
            + " ("
            + size(blob.size())
            + ")");
  }

  @Override
  public synchronized void blobDone(Descriptor blob) {
    long[] state = blobs.computeIfAbsent(blob.digest().toString(), k -> new long[2]);
    state[0] = blob.size();
    state[1] = blob.size();
    if (interactive) {
      draw(true);
    } else {
      line(short12(blob) + ": pushed (" + size(blob.size()) + ")");
    }
  }

  @Override
  public void manifestPushed(Descriptor manifest, String reference) {
    line("manifest " + manifest.digest() + " stored as " + reference);
  }

  /** Ends the bar's line, if one was drawn. */
  synchronized void finish() {
    if (interactive && drawn) {
      err.print('\n');
      err.flush();
      drawn = false;
    }
  }

  private synchronized void line(String text) {
    if (interactive && drawn) {
      err.print("\r\033[K");
      drawn = false;
    }
    err.println(text);
    err.flush();
  }

  private synchronized void draw(boolean force) {
    if (!interactive) {
      return;
    }
    long now = System.nanoTime();
    if (!force && drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    long sent = 0;
    long total = 0;
    for (long[] s : blobs.values()) {
      sent += s[0];
      total += s[1];
    }
    int pct = total == 0 ? 100 : (int) Math.min(100, sent * 100 / total);
    int filled = pct * WIDTH / 100;
    err.print(
        "\r["
            + "#".repeat(filled)
            + "-".repeat(WIDTH - filled)
            + "] "
            + pct
            + "% "
            + size(sent)
            + "/"
            + size(total)
            + "\033[K");
    err.flush();
    drawn = true;
  }

  private static String short12(Descriptor d) {
    String hex = d.digest().hex();
    return d.digest().algorithm() + ":" + hex.substring(0, Math.min(12, hex.length()));
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
