package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flyregistry.http.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pushes a 256 MiB layer generated on the fly (never held in memory) to a registry that hashes what
 * it receives while reading it, and checks that the bytes streamed: when the registry had read the
 * first 8 MiB, the generator had produced only a little more.
 */
class LargeBlobStreamingTest {
  private static final long SIZE = 256L * 1024 * 1024;
  private static final long EARLY = 8L * 1024 * 1024;

  private HttpServer server;
  private final AtomicReference<String> receivedDigest = new AtomicReference<>();
  private final AtomicLong receivedBytes = new AtomicLong();
  private final AtomicLong generatedWhenEarly = new AtomicLong(-1);
  private volatile Generator current;

  /**
   * Deterministic bytes, produced as they are read: a 1 MiB random block repeated, each repetition
   * stamped with its index in its first 8 bytes so that no two blocks are equal.
   */
  static final class Generator extends InputStream {
    private static final int BLOCK = 1 << 20;
    private static final byte[] PATTERN = new byte[BLOCK];

    static {
      new java.util.Random(42).nextBytes(PATTERN);
    }

    private final long size;
    private long position;

    Generator(long size) {
      this.size = size;
    }

    long position() {
      return position;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      int done = 0;
      while (done < n) {
        long p = position + done;
        int inBlock = (int) (p % BLOCK);
        int run = Math.min(n - done, BLOCK - inBlock);
        System.arraycopy(PATTERN, inBlock, b, off + done, run);
        long index = p / BLOCK;
        for (int i = inBlock; i < 8 && i < inBlock + run; i++) {
          b[off + done + i - inBlock] = (byte) (index >>> (8 * i));
        }
        done += run;
      }
      position += n;
      return n;
    }
  }

  private static Digest digestOf(InputStream in) throws IOException {
    MessageDigest md = Digest.sha256(new byte[0]).newMessageDigest();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return Digest.ofHash(Digest.SHA256, md.digest());
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    try (ex) {
      if (path.equals("/v2/")) {
        respond(ex, 200, null, null);
      } else if (method.equals("HEAD") && path.contains("/blobs/")) {
        respond(ex, 404, null, null);
      } else if (method.equals("POST") && path.endsWith("/blobs/uploads/")) {
        ex.getResponseHeaders().add("Location", "/upload/1?_state=x");
        respond(ex, 202, null, null);
      } else if (method.equals("PUT") && path.startsWith("/upload/")) {
        String query = ex.getRequestURI().getQuery();
        String digest = query.substring(query.indexOf("digest=") + 7);
        MessageDigest md = Digest.parse(digest).newMessageDigest();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        try (InputStream in = ex.getRequestBody()) {
          while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
            total += n;
            Generator g = current;
            if (total >= EARLY && generatedWhenEarly.get() < 0 && g != null) {
              generatedWhenEarly.set(g.position());
            }
          }
        }
        Digest actual = Digest.ofHash(Digest.SHA256, md.digest());
        receivedBytes.addAndGet(total);
        if (total > 1000) {
          receivedDigest.set(actual.toString());
        }
        ex.getResponseHeaders().add("Docker-Content-Digest", actual.toString());
        respond(ex, actual.toString().equals(digest) ? 201 : 400, null, null);
      } else if (method.equals("PUT") && path.contains("/manifests/")) {
        byte[] body = ex.getRequestBody().readAllBytes();
        ex.getResponseHeaders().add("Docker-Content-Digest", Digest.sha256(body).toString());
        respond(ex, 201, null, null);
      } else {
        respond(ex, 404, "application/json", "{\"errors\":[{\"code\":\"UNSUPPORTED\"}]}");
      }
    }
  }

  private static void respond(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (type != null) {
      ex.getResponseHeaders().add("Content-Type", type);
    }
    ex.sendResponseHeaders(
        code, ex.getRequestMethod().equals("HEAD") || b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(b);
      }
    }
  }

  @Test
  void a256MiBLayerStreamsWithItsDigestComputedOnTheWay() throws IOException {
    Digest layerDigest = digestOf(new Generator(SIZE));
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Descriptor configD = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.sha256(config), config.length);
    Descriptor layerD = Descriptor.of(MediaTypes.OCI_LAYER, layerDigest, SIZE);
    byte[] manifestBytes =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":"
                + "{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG
                + "\",\"digest\":\""
                + configD.digest()
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER
                + "\",\"digest\":\""
                + layerDigest
                + "\",\"size\":"
                + SIZE
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    Manifest manifest = Manifest.parse(manifestBytes, null);
    ImageSource source =
        new ImageSource() {
          @Override
          public Manifest manifest() {
            return manifest;
          }

          @Override
          public Manifest manifest(Descriptor descriptor) {
            throw new ImageSourceException("no children", null);
          }

          @Override
          public InputStream openBlob(Descriptor d) {
            if (d.digest().equals(layerDigest)) {
              Generator g = new Generator(SIZE);
              current = g;
              return g;
            }
            return new java.io.ByteArrayInputStream(config);
          }

          @Override
          public String description() {
            return "generated";
          }
        };
    AtomicLong lastReported = new AtomicLong();
    PushProgress progress =
        new PushProgress() {
          @Override
          public void bytesSent(Descriptor blob, long sent, long total) {
            if (blob.digest().equals(layerDigest)) {
              lastReported.set(sent);
            }
          }
        };
    String registry = "127.0.0.1:" + server.getAddress().getPort();
    try (RegistryClient client =
        RegistryClient.builder().http(HttpSettings.defaults().withSleeper(d -> {})).build()) {
      PushResult r = client.push(source, ImageReference.parse(registry + "/big:v1"), progress);
      assertThat(r.digest()).isEqualTo(manifest.digest());
      assertThat(r.bytesSent()).isEqualTo(SIZE + config.length);
    }
    assertThat(receivedDigest.get()).isEqualTo(layerDigest.toString());
    assertThat(receivedBytes.get()).isEqualTo(SIZE + config.length);
    assertThat(lastReported.get()).isEqualTo(SIZE);
    // streamed, not buffered: when 8 MiB had arrived, far less than the whole layer was generated
    assertThat(generatedWhenEarly.get()).isBetween(EARLY, 64L * 1024 * 1024);
  }
}
