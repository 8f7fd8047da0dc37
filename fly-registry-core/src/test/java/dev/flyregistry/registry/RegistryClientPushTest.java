package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.registry.source.TestLayouts;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryClientPushTest {
  @TempDir Path tmp;

  private final MockWebServer server = new MockWebServer();
  private final UploadRegistry fake = new UploadRegistry();
  private final HttpSettings http = HttpSettings.defaults().withSleeper(d -> {});
  private String registry;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(fake);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    registry = "127.0.0.1:" + server.getPort();
    fake.origin = "http://" + registry;
    client = RegistryClient.builder().http(http).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private ImageReference ref(String s) {
    return ImageReference.parse(registry + "/" + s);
  }

  /** Records progress events as strings. */
  static final class Events implements PushProgress {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void blobStarted(Descriptor blob) {
      events.add("start " + blob.digest());
    }

    @Override
    public void bytesSent(Descriptor blob, long sent, long total) {
      events.add("sent " + blob.digest() + " " + sent + "/" + total);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void blobSkipped(Descriptor blob, SkipReason reason) {
      events.add("skip " + blob.digest() + " " + reason);
    }

    @Override
    public void blobDone(Descriptor blob) {
      events.add("done " + blob.digest());
    }

    @Override
    public void manifestPushed(Descriptor manifest, String reference) {
      events.add("manifest " + manifest.digest() + " " + reference);
    }

    List<String> about(Digest d) {
      return events.stream().filter(e -> e.contains(d.toString())).toList();
    }
  }

  private record Image(Path dir, TestLayouts.Blob manifest, byte[] layer1, byte[] layer2) {}

  private Image layout(String refName) {
    TestLayouts l = new TestLayouts();
    byte[] layer1 = TestLayouts.random(3000, 11);
    byte[] layer2 = TestLayouts.random(5000, 12);
    TestLayouts.Blob m = l.image("linux", "amd64", layer1, layer2);
    return new Image(l.tag(m, refName).writeTo(tmp.resolve("layout")), m, layer1, layer2);
  }

  private static final byte[] CONFIG =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}"
          .getBytes(StandardCharsets.UTF_8);

  /** A layer descriptor's JSON. */
  private static String layerJson(String mediaType, Digest digest, long size, String... urls) {
    StringBuilder u = new StringBuilder();
    for (String url : urls) {
      u.append(u.length() == 0 ? ",\"urls\":[" : ",").append('"').append(url).append('"');
    }
    if (urls.length > 0) {
      u.append(']');
    }
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + u
        + "}";
  }

  /**
   * An in-memory image of {@link #CONFIG} and the given layers; {@code served} holds what each
   * layer's stream returns (a blob missing there cannot be opened).
   */
  private static ImageSource memoryImage(Map<Digest, byte[]> served, String... layers) {
    Digest cd = Digest.sha256(CONFIG);
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OCI_CONFIG
            + "\",\"digest\":\""
            + cd
            + "\",\"size\":"
            + CONFIG.length
            + "},\"layers\":["
            + String.join(",", layers)
            + "]}";
    Manifest m = Manifest.parse(json.getBytes(StandardCharsets.UTF_8), null);
    Map<Digest, byte[]> blobs = new HashMap<>(served);
    blobs.put(cd, CONFIG);
    return new ImageSource() {
      @Override
      public Manifest manifest() {
        return m;
      }

      @Override
      public Manifest manifest(Descriptor d) {
        throw new IllegalStateException("no child manifests");
      }

      @Override
      public java.io.InputStream openBlob(Descriptor d) {
        byte[] data = blobs.get(d.digest());
        if (data == null) {
          throw new IllegalStateException("blob " + d.digest() + " must not be read");
        }
        return new java.io.ByteArrayInputStream(data);
      }

      @Override
      public String description() {
        return "memory image";
      }
    };
  }

  @Test
  void aSha512BlobAnsweredWithTheRegistrysCanonicalSha256IsUploaded() {
    fake.canonicalDigests = true; // as distribution: Docker-Content-Digest is always sha256
    byte[] layer = TestLayouts.random(4000, 7);
    Digest d512 = Digest.of(Digest.SHA512, layer);
    for (long chunk : new long[] {0, 1000}) {
      String repo = "app" + chunk;
      ImageSource image =
          memoryImage(Map.of(d512, layer), layerJson(MediaTypes.OCI_LAYER_GZIP, d512, 4000));
      try (RegistryClient c =
          RegistryClient.builder().http(http).uploadChunkSize(chunk).uploadConcurrency(1).build()) {
        PushResult r = c.push(image, ref(repo + ":v1"));
        assertThat(r.blobsUploaded()).as("chunk size " + chunk).isEqualTo(2);
      }
      assertThat(fake.blobs.get(repo + "@" + d512)).isEqualTo(layer);
      assertThat(fake.manifests).containsKey(repo + "@v1");
    }
  }

  @Test
  void aSha512BlobMountedWithTheRegistrysCanonicalSha256IsMounted() {
    byte[] layer = TestLayouts.random(4000, 8);
    Digest d512 = Digest.of(Digest.SHA512, layer);
    client.push(
        memoryImage(Map.of(d512, layer), layerJson(MediaTypes.OCI_LAYER_GZIP, d512, 4000)),
        ref("app-1:v1"));
    fake.recorded.clear();
    fake.canonicalDigests = true; // the mount's 201 names the layer by its sha256

    CopyResult r = client.copy(ref("app-1:v1"), ref("app-2:v1"));

    assertThat(r.blobsMounted()).isEqualTo(2);
    assertThat(r.blobsCopied()).isZero();
    assertThat(fake.requests("PUT", "/upload/")).isEmpty();
    assertThat(fake.blobs.get("app-2@" + d512)).isEqualTo(layer);
  }

  @Test
  void aBlobPutAnsweredWithAnotherDigestOfItsAlgorithmIsAMismatch() {
    byte[] layer = TestLayouts.random(4000, 9);
    Digest ld = Digest.sha256(layer);
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    fake.fault =
        r ->
            r.getMethod().equals("PUT") && ld.toString().equals(r.getUrl().queryParameter("digest"))
                ? new MockResponse.Builder()
                    .code(201)
                    .addHeader("Docker-Content-Digest", other.toString())
                    .build()
                : null;
    assertThatThrownBy(
            () ->
                client.push(
                    memoryImage(Map.of(ld, layer), layerJson(MediaTypes.OCI_LAYER_GZIP, ld, 4000)),
                    ref("app:v1")))
        .isInstanceOfSatisfying(
            DigestMismatchException.class,
            e -> {
              assertThat(e.expected()).isEqualTo(ld);
              assertThat(e.actual()).isEqualTo(other);
            })
        .hasMessageContaining("the registry stored " + other);
    assertThat(fake.manifests).isEmpty();
  }

  @Test
  void aSourceBlobShorterThanItsDescriptorIsTheSourcesErrorInBothUploadModes() {
    byte[] layer = TestLayouts.random(5000, 10);
    Digest ld = Digest.sha256(layer);
    byte[] truncated = java.util.Arrays.copyOf(layer, 3000);
    for (long chunk : new long[] {0, 1000}) {
      String repo = "app" + chunk;
      int postsBefore = fake.requests("POST", "/v2/" + repo + "/blobs/uploads/").size();
      ImageSource image =
          memoryImage(Map.of(ld, truncated), layerJson(MediaTypes.OCI_LAYER_GZIP, ld, 5000));
      try (RegistryClient c =
          RegistryClient.builder().http(http).uploadChunkSize(chunk).uploadConcurrency(1).build()) {
        assertThatThrownBy(() -> c.push(image, ref(repo + ":v1")))
            .as("chunk size " + chunk)
            .isInstanceOf(ImageSourceException.class)
            .hasMessageContaining("memory image")
            .hasMessageContaining("ended after 3000 of its 5000 bytes (2000 bytes short)");
      }
      // one session for the config, one for the layer: the short source was not retried
      assertThat(fake.requests("POST", "/v2/" + repo + "/blobs/uploads/").size() - postsBefore)
          .as("chunk size " + chunk)
          .isEqualTo(2);
      assertThat(fake.hasBlob(repo, ld)).isFalse();
      assertThat(fake.manifests).doesNotContainKey(repo + "@v1");
    }
  }

  @Test
  void patchesThatTheRegistryAcceptsWithoutProgressAreNotResentForever() {
    byte[] layer = TestLayouts.random(3000, 11);
    Digest ld = Digest.sha256(layer);
    AtomicInteger patches = new AtomicInteger();
    fake.fault =
        r -> {
          if (!r.getMethod().equals("PATCH") || r.getBodySize() == 0) {
            return null;
          }
          if (patches.incrementAndGet() >= 500) {
            return UploadRegistry.error(500, "UNKNOWN"); // ends the test if the client loops
          }
          String id = r.getUrl().encodedPath().substring("/upload/".length());
          return new MockResponse.Builder()
              .code(202)
              .addHeader("Location", "/upload/" + id + "?_state=st-" + id)
              .addHeader("Range", "0-0") // accepted, but the session stays empty
              .build();
        };
    try (RegistryClient c =
        RegistryClient.builder().http(http).uploadChunkSize(1000).uploadConcurrency(1).build()) {
      assertThatThrownBy(
              () ->
                  c.push(
                      memoryImage(
                          Map.of(ld, layer), layerJson(MediaTypes.OCI_LAYER_GZIP, ld, 3000)),
                      ref("app:v1")))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isZero())
          .hasMessageContaining("failed after " + http.retry().maxAttempts() + " session(s)")
          .hasMessageContaining("Range never went past");
    }
    // a few PATCHes per session (the config's upload fails first), then a typed error
    assertThat(patches.get()).isEqualTo(4 * http.retry().maxAttempts());
    assertThat(fake.manifests).isEmpty();
  }

  @Test
  void anAbandonedSessionIsCancelledAtTheLocationOfTheLastPatch() {
    byte[] layer = TestLayouts.random(3000, 12);
    Digest ld = Digest.sha256(layer);
    AtomicInteger patches = new AtomicInteger();
    fake.fault =
        r -> {
          if (!r.getMethod().equals("PATCH") || r.getBodySize() != 1000) {
            return null;
          }
          String id = r.getUrl().encodedPath().substring("/upload/".length());
          switch (patches.incrementAndGet()) {
            case 1: // stored, and the session moves
              fake.uploads.get(id).data.write(r.getBody());
              return new MockResponse.Builder()
                  .code(202)
                  .addHeader("Location", "/upload/" + id + "?_state=st-" + id + "&moved=1")
                  .addHeader("Range", "0-999")
                  .build();
            case 2:
              assertThat(r.getUrl().queryParameter("moved")).isEqualTo("1");
              return UploadRegistry.error(500, "UNKNOWN");
            default:
              return null;
          }
        };
    try (RegistryClient c =
        RegistryClient.builder().http(http).uploadChunkSize(1000).uploadConcurrency(1).build()) {
      c.push(
          memoryImage(Map.of(ld, layer), layerJson(MediaTypes.OCI_LAYER_GZIP, ld, 3000)),
          ref("app:v1"));
    }
    assertThat(fake.blobs.get("app@" + ld)).isEqualTo(layer);
    List<RecordedRequest> deletes = fake.requests("DELETE", "/upload/");
    assertThat(deletes).hasSize(1);
    assertThat(deletes.get(0).getUrl().queryParameter("moved")).isEqualTo("1");
  }

  @Test
  void foreignAndNonDistributableLayersWithUrlsAreNotPushed() {
    byte[] layer = TestLayouts.random(2000, 13);
    Digest ld = Digest.sha256(layer);
    String oci = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    List<String> skipped =
        List.of(
            oci,
            oci + "+gzip",
            oci + "+zstd",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
    List<String> layers = new java.util.ArrayList<>();
    layers.add(layerJson(MediaTypes.OCI_LAYER_GZIP, ld, 2000));
    List<Digest> absent = new java.util.ArrayList<>();
    for (int i = 0; i < skipped.size(); i++) {
      Digest d = Digest.sha256(("not distributable " + i).getBytes(StandardCharsets.UTF_8));
      absent.add(d);
      layers.add(layerJson(skipped.get(i), d, 100, "https://example.com/layer" + i));
    }
    // the skipped layers are not in the source: opening one would fail the push
    ImageSource image = memoryImage(Map.of(ld, layer), layers.toArray(String[]::new));

    PushResult r = client.push(image, ref("app:v1"));

    assertThat(r.blobsUploaded()).isEqualTo(2); // config + the distributable layer
    assertThat(fake.manifests).containsKey("app@v1");
    assertThat(fake.recorded)
        .noneMatch(q -> absent.stream().anyMatch(d -> q.getUrl().toString().contains(d.hex())));
  }

  @Test
  void aNonDistributableLayerWithoutUrlsIsPushed() {
    byte[] layer = TestLayouts.random(2000, 14);
    Digest ld = Digest.sha256(layer);
    ImageSource image =
        memoryImage(
            Map.of(ld, layer),
            layerJson("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", ld, 2000));

    client.push(image, ref("app:v1"));

    assertThat(fake.blobs.get("app@" + ld)).isEqualTo(layer);
  }

  @Test
  void pushSkipsExistingBlobsUploadsTheRestAndPutsTheExactManifest() {
    Image img = layout("v1");
    fake.putBlob("app", img.layer1()); // already there
    Events events = new Events();

    PushResult result = client.push(ImageSource.ociLayout(img.dir()), ref("app:v1"), events);

    assertThat(result.digest()).isEqualTo(img.manifest().digest());
    assertThat(result.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(result.manifest().size()).isEqualTo(img.manifest().bytes().length);
    assertThat(result.target().digest()).contains(img.manifest().digest());
    assertThat(result.blobsExisting()).isEqualTo(1);
    assertThat(result.blobsUploaded()).isEqualTo(2); // config + layer2
    assertThat(result.bytesSkipped()).isEqualTo(3000);
    Manifest pushed = Manifest.parse(img.manifest().bytes(), null);
    long configSize = ((ImageManifest) pushed).config().size();
    assertThat(result.bytesSent()).isEqualTo(5000 + configSize);
    assertThat(result.manifestsPushed()).isEqualTo(1);

    assertThat(fake.hasBlob("app", Digest.sha256(img.layer2()))).isTrue();
    UploadRegistry.Stored stored = fake.manifests.get("app@v1");
    assertThat(stored.bytes()).isEqualTo(img.manifest().bytes());
    assertThat(stored.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    // monolithic: POST then PUT with the body and ?digest=, no PATCH
    assertThat(fake.requests("PATCH", "/upload/")).isEmpty();
    RecordedRequest put = fake.requests("PUT", "/upload/").get(0);
    assertThat(put.getUrl().queryParameter("digest")).startsWith("sha256:");
    assertThat(put.getHeaders().get("Content-Type")).isEqualTo("application/octet-stream");

    Digest l1 = Digest.sha256(img.layer1());
    Digest l2 = Digest.sha256(img.layer2());
    assertThat(events.about(l1)).containsExactly("skip " + l1 + " EXISTS");
    assertThat(events.about(l2)).first().isEqualTo("start " + l2);
    assertThat(events.about(l2)).contains("sent " + l2 + " 5000/5000");
    assertThat(events.about(l2)).last().isEqualTo("done " + l2);
    assertThat(events.events).last().isEqualTo("manifest " + img.manifest().digest() + " v1");
  }

  @Test
  void pushOfAnIndexPutsEveryChildBeforeTheIndex() {
    TestLayouts l = new TestLayouts();
    TestLayouts.Blob a = l.image("linux", "amd64", TestLayouts.random(100, 1));
    TestLayouts.Blob b = l.image("linux", "arm64", TestLayouts.random(100, 2));
    TestLayouts.Blob idx = l.index(a, b);
    Path dir = l.tag(idx, "multi").writeTo(tmp.resolve("multi"));

    PushResult r = client.push(ImageSource.ociLayout(dir), ref("app:multi"));

    assertThat(r.digest()).isEqualTo(idx.digest());
    assertThat(r.manifestsPushed()).isEqualTo(3);
    List<String> puts =
        fake.requests("PUT", "/manifests/").stream()
            .map(x -> x.getUrl().encodedPath().replaceAll(".*/manifests/", ""))
            .toList();
    assertThat(puts).containsExactly(a.digest().toString(), b.digest().toString(), "multi");
    assertThat(fake.manifests.get("app@multi").mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
  }

  @Test
  void chunkedUploadSendsContentRangesOfAtLeastTheRegistrysMinimum() {
    Image img = layout("v1");
    fake.chunkMinLength = 2048L;
    try (RegistryClient chunked =
        RegistryClient.builder().http(http).uploadChunkSize(1000).build()) {
      chunked.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));
    }
    Digest l2 = Digest.sha256(img.layer2());
    assertThat(fake.blobs.get("app@" + l2)).isEqualTo(img.layer2());
    List<RecordedRequest> patches = fake.requests("PATCH", "/upload/");
    List<String> ranges =
        patches.stream()
            .filter(p -> p.getBodySize() > 0)
            .map(p -> p.getHeaders().get("Content-Range") + "/" + p.getBodySize())
            .toList();
    // layer2 (5000 bytes) in chunks of max(1000, 2048)
    assertThat(ranges).contains("0-2047/2048", "2048-4095/2048", "4096-4999/904");
    List<RecordedRequest> puts = fake.requests("PUT", "/upload/");
    assertThat(puts).allSatisfy(p -> assertThat(p.getBodySize()).isZero());
  }

  @Test
  void absoluteLocationsAreFollowedWithTheirQuery() {
    Image img = layout("v1");
    fake.relativeLocations = false;
    try (RegistryClient chunked =
        RegistryClient.builder().http(http).uploadChunkSize(1024).build()) {
      chunked.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));
    }
    assertThat(fake.blobs.get("app@" + Digest.sha256(img.layer1()))).isEqualTo(img.layer1());
    // the fake refuses session requests that lost the _state query; every one carried it
    assertThat(fake.requests("PATCH", "/upload/"))
        .allSatisfy(r -> assertThat(r.getUrl().queryParameter("_state")).startsWith("st-u"));
  }

  @Test
  void relativeLocationQueryIsKeptForTheMonolithicPut() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));
    assertThat(fake.requests("PUT", "/upload/"))
        .allSatisfy(
            r -> {
              assertThat(r.getUrl().queryParameter("_state")).startsWith("st-u");
              assertThat(r.getUrl().queryParameter("digest")).startsWith("sha256:");
            });
  }

  @Test
  void a416IsRecoveredFromTheSessionStatus() {
    byte[] layer = TestLayouts.random(3000, 21);
    TestLayouts l = new TestLayouts();
    TestLayouts.Blob m = l.image("linux", "amd64", layer);
    Path dir = l.tag(m, "v1").writeTo(tmp.resolve("l416"));
    Digest ld = Digest.sha256(layer);
    AtomicInteger patches = new AtomicInteger();
    fake.fault =
        r -> {
          if (!r.getMethod().equals("PATCH") || r.getBodySize() != 1000) {
            return null;
          }
          if (patches.incrementAndGet() != 2) {
            return null;
          }
          // the registry kept only 300 bytes of the second chunk and refuses the range
          String id = r.getUrl().encodedPath().substring("/upload/".length());
          UploadRegistry.Upload u = fake.uploads.get(id);
          u.data.write(r.getBody().substring(0, 300));
          return new MockResponse.Builder().code(416).build();
        };
    try (RegistryClient chunked =
        RegistryClient.builder().http(http).uploadChunkSize(1000).build()) {
      chunked.push(ImageSource.ociLayout(dir), ref("app:v1"));
    }
    assertThat(fake.blobs.get("app@" + ld)).isEqualTo(layer);
    List<String> ranges =
        fake.requests("PATCH", "/upload/").stream()
            .filter(r -> r.getBodySize() > 0 && r.getBodySize() != 0)
            .map(r -> r.getHeaders().get("Content-Range"))
            .toList();
    assertThat(ranges).containsSubsequence("1000-1999", "1300-1999", "2000-2999");
    assertThat(fake.requests("GET", "/upload/")).hasSize(1);
    // recovered inside the session: one POST per uploaded blob (config + layer)
    assertThat(fake.requests("POST", "/blobs/uploads/")).hasSize(2);
  }

  @Test
  void aFailingPatchRestartsTheWholeSessionAfterAHeadAndCancelsTheOldOne() {
    byte[] layer = TestLayouts.random(3000, 31);
    TestLayouts l = new TestLayouts();
    TestLayouts.Blob m = l.image("linux", "amd64", layer);
    Path dir = l.tag(m, "v1").writeTo(tmp.resolve("lpatch"));
    Digest ld = Digest.sha256(layer);
    AtomicInteger patches = new AtomicInteger();
    fake.fault =
        r ->
            r.getMethod().equals("PATCH")
                    && r.getBodySize() == 1000
                    && patches.incrementAndGet() == 2
                ? UploadRegistry.error(500, "UNKNOWN")
                : null;
    try (RegistryClient chunked =
        RegistryClient.builder().http(http).uploadChunkSize(1000).uploadConcurrency(1).build()) {
      chunked.push(ImageSource.ociLayout(dir), ref("app:v1"));
    }
    assertThat(fake.blobs.get("app@" + ld)).isEqualTo(layer);

    // the layer's requests, in order
    List<String> seq =
        fake.recorded.stream()
            .filter(
                r ->
                    r.getUrl().encodedPath().contains(ld.toString())
                        || r.getUrl().encodedPath().startsWith("/upload/")
                        || r.getUrl().encodedPath().endsWith("/blobs/uploads/"))
            .map(
                r ->
                    r.getMethod()
                        + " "
                        + (r.getUrl().encodedPath().startsWith("/upload/")
                            ? r.getUrl().encodedPath() + " " + r.getHeaders().get("Content-Range")
                            : r.getUrl().encodedPath().endsWith("/uploads/") ? "uploads" : "blob"))
            .toList();
    int failed = seq.indexOf("PATCH /upload/u2 1000-1999");
    assertThat(failed).as(seq.toString()).isPositive();
    assertThat(seq.subList(failed + 1, failed + 4))
        .as(seq.toString())
        .containsExactly("DELETE /upload/u2 null", "HEAD blob", "POST uploads");
    // the failed PATCH was never sent again on its own session
    assertThat(seq.stream().filter(s -> s.startsWith("PATCH /upload/u2 ")).toList())
        .containsExactly("PATCH /upload/u2 0-999", "PATCH /upload/u2 1000-1999");
    assertThat(fake.uploads.values()).noneMatch(u -> !u.cancelled && u.data.size() > 0);
  }

  @Test
  void aFailedMonolithicPutIsRetriedAsANewSession() {
    Image img = layout("v1");
    AtomicInteger puts = new AtomicInteger();
    fake.fault =
        r ->
            r.getMethod().equals("PUT")
                    && r.getUrl().encodedPath().startsWith("/upload/")
                    && puts.incrementAndGet() == 1
                ? UploadRegistry.error(503, "UNAVAILABLE")
                : null;
    try (RegistryClient one = RegistryClient.builder().http(http).uploadConcurrency(1).build()) {
      one.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));
    }
    assertThat(fake.requests("DELETE", "/upload/")).hasSize(1);
    assertThat(fake.requests("POST", "/blobs/uploads/")).hasSize(4); // 3 blobs + 1 retried
    assertThat(fake.hasBlob("app", Digest.sha256(img.layer1()))).isTrue();
    assertThat(fake.hasBlob("app", Digest.sha256(img.layer2()))).isTrue();
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsNotUploadedNorRetried() throws Exception {
    Image img = layout("v1");
    Path blob = img.dir().resolve("blobs/sha256/" + Digest.sha256(img.layer2()).hex());
    byte[] changed = img.layer2().clone();
    changed[100] ^= 1;
    Files.write(blob, changed);
    try (RegistryClient one = RegistryClient.builder().http(http).uploadConcurrency(1).build()) {
      assertThatThrownBy(() -> one.push(ImageSource.ociLayout(img.dir()), ref("app:v1")))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining("hashes to " + Digest.sha256(changed))
          .satisfies(
              e ->
                  assertThat(((DigestMismatchException) e).expected())
                      .isEqualTo(Digest.sha256(img.layer2())));
    }
    assertThat(fake.hasBlob("app", Digest.sha256(img.layer2()))).isFalse();
    assertThat(fake.hasBlob("app", Digest.sha256(changed))).isFalse();
    assertThat(fake.manifests).isEmpty();
  }

  @Test
  void aManifestPutAnsweredWithAnotherDigestIsATypedError() {
    Image img = layout("v1");
    String other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8)).toString();
    fake.wrongManifestDigest = other;
    assertThatThrownBy(() -> client.push(ImageSource.ociLayout(img.dir()), ref("app:v1")))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(other)
        .satisfies(
            e -> {
              DigestMismatchException d = (DigestMismatchException) e;
              assertThat(d.expected()).isEqualTo(img.manifest().digest());
              assertThat(d.actual()).hasToString(other);
            });
  }

  @Test
  void pushesALegacyDockerArchive() throws Exception {
    byte[] layer = TestLayouts.random(2048, 41);
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + Digest.sha256(layer)
            + "\"]}}";
    Path tar =
        new dev.flyregistry.internal.registry.source.TestTar()
            .file("abc/layer.tar", layer)
            .file("cfg.json", config)
            .file(
                "manifest.json",
                "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"app:v1\"],\"Layers\":[\"abc/layer.tar\"]}]")
            .write(tmp.resolve("saved.tar"));
    ImageSource source = ImageSource.dockerArchive(tar);

    PushResult r = client.push(source, ref("app:v1"));

    assertThat(r.digest()).isEqualTo(source.manifest().digest());
    assertThat(fake.blobs.get("app@" + Digest.sha256(layer))).isEqualTo(layer);
    assertThat(fake.manifests.get("app@v1").mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
  }

  @Test
  void copyWithinARegistryMountsEveryBlobAndSendsNoBytes() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app-1:v1"));
    fake.recorded.clear();
    Events events = new Events();

    CopyResult r = client.copy(ref("app-1:v1"), ref("app-2:v1"), events);

    assertThat(r.bytesSent()).isZero();
    assertThat(r.blobsMounted()).isEqualTo(3);
    assertThat(r.blobsCopied()).isZero();
    assertThat(r.digest()).isEqualTo(img.manifest().digest());
    assertThat(fake.manifests.get("app-2@v1").bytes()).isEqualTo(img.manifest().bytes());
    List<RecordedRequest> posts = fake.requests("POST", "/v2/app-2/blobs/uploads/");
    assertThat(posts).hasSize(3);
    assertThat(posts)
        .allSatisfy(
            p -> {
              assertThat(p.getUrl().queryParameter("from")).isEqualTo("app-1");
              assertThat(p.getUrl().queryParameter("mount")).startsWith("sha256:");
            });
    assertThat(fake.requests("PUT", "/upload/")).isEmpty();
    assertThat(fake.requests("GET", "/blobs/")).isEmpty();
    assertThat(events.events)
        .filteredOn(e -> e.startsWith("skip "))
        .allMatch(e -> e.endsWith("MOUNTED"));
  }

  @Test
  void aMountAnsweredWith202UploadsIntoTheSessionItOpened() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app-1:v1"));
    fake.recorded.clear();
    fake.allowMount = false;

    CopyResult r = client.copy(ref("app-1:v1"), ref("app-2:v1"));

    assertThat(r.blobsMounted()).isZero();
    assertThat(r.blobsCopied()).isEqualTo(3);
    assertThat(r.bytesSent()).isGreaterThanOrEqualTo(3000 + 5000);
    assertThat(fake.blobs.get("app-2@" + Digest.sha256(img.layer2()))).isEqualTo(img.layer2());
    // one POST per blob (the mount attempt), its session used for the upload
    assertThat(fake.requests("POST", "/v2/app-2/blobs/uploads/"))
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.getUrl().queryParameter("mount")).isNotNull());
    assertThat(fake.requests("GET", "/v2/app-1/blobs/")).hasSize(3);
  }

  @Test
  void aFailedMountIsRetriedOnceWithoutMount() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app-1:v1"));
    fake.recorded.clear();
    fake.fault =
        r ->
            r.getMethod().equals("POST") && r.getUrl().queryParameter("mount") != null
                ? UploadRegistry.error(404, "NAME_UNKNOWN")
                : null;

    CopyResult r = client.copy(ref("app-1:v1"), ref("app-2:v1"));

    assertThat(r.blobsCopied()).isEqualTo(3);
    List<RecordedRequest> posts = fake.requests("POST", "/v2/app-2/blobs/uploads/");
    assertThat(posts).hasSize(6);
    assertThat(posts.stream().filter(p -> p.getUrl().queryParameter("mount") == null)).hasSize(3);
    assertThat(fake.manifests.get("app-2@v1").bytes()).isEqualTo(img.manifest().bytes());
  }

  @Test
  void copyBetweenRegistriesStreamsBlobsThrough() throws Exception {
    TestLayouts l = new TestLayouts();
    TestLayouts.Blob a = l.image("linux", "amd64", TestLayouts.random(1500, 51));
    TestLayouts.Blob b = l.image("linux", "arm64", TestLayouts.random(2500, 52));
    TestLayouts.Blob idx = l.index(a, b);
    Path dir = l.tag(idx, "multi").writeTo(tmp.resolve("multi"));
    client.push(ImageSource.ociLayout(dir), ref("app-1:multi"));

    UploadRegistry other = new UploadRegistry();
    try (MockWebServer second = new MockWebServer()) {
      second.setDispatcher(other);
      second.start(InetAddress.getByName("127.0.0.1"), 0);
      ImageReference target = ImageReference.parse("127.0.0.1:" + second.getPort() + "/copy:multi");

      CopyResult r = client.copy(ref("app-1:multi"), target);

      assertThat(r.digest()).isEqualTo(idx.digest());
      assertThat(r.blobsMounted()).isZero();
      assertThat(r.blobsCopied()).isEqualTo(4); // two configs, two layers
      assertThat(r.manifestsPushed()).isEqualTo(3);
      assertThat(other.manifests.get("copy@multi").bytes()).isEqualTo(idx.bytes());
      assertThat(other.manifests.get("copy@" + a.digest()).bytes()).isEqualTo(a.bytes());
      assertThat(other.blobs).hasSize(4);
      assertThat(other.requests("POST", "/blobs/uploads/"))
          .allSatisfy(p -> assertThat(p.getUrl().queryParameter("mount")).isNull());
    }
  }

  @Test
  void pushManifestToATagAndDigestPutsByTagLikePush() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));
    Manifest m = Manifest.parse(img.manifest().bytes(), null);
    fake.recorded.clear();

    Descriptor d = client.pushManifest(m, ref("app:v2@" + m.digest()));

    assertThat(d.digest()).isEqualTo(m.digest());
    assertThat(fake.requests("PUT", "/manifests/"))
        .singleElement()
        .satisfies(r -> assertThat(r.getUrl().encodedPath()).endsWith("/v2/app/manifests/v2"));
    assertThat(fake.manifests.get("app@v2").bytes()).isEqualTo(img.manifest().bytes());

    // a digest-only target is still stored by digest, and a wrong digest is refused unsent
    client.pushManifest(m, ref("app@" + m.digest()));
    assertThat(fake.requests("PUT", "/manifests/").get(1).getUrl().encodedPath())
        .endsWith("/manifests/" + m.digest());
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> client.pushManifest(m, ref("app:v3@" + other)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fake.manifests).doesNotContainKey("app@v3");
  }

  @Test
  void tagStoresTheSameBytesUnderANewTag() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));
    Descriptor d = client.tag(ref("app:v1"), "stable");
    assertThat(d.digest()).isEqualTo(img.manifest().digest());
    assertThat(fake.manifests.get("app@stable").bytes()).isEqualTo(img.manifest().bytes());
    assertThat(fake.manifests.get("app@stable").mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void deleteByDigestOnly() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));
    ImageReference byDigest = ref("app@" + img.manifest().digest());

    assertThatThrownBy(() -> client.delete(ref("app:v1")))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("delete needs a digest");
    assertThat(client.delete(byDigest)).isTrue();
    assertThat(client.delete(byDigest)).isFalse();
    fake.deleteAllowed = false;
    assertThatThrownBy(() -> client.delete(byDigest))
        .isInstanceOf(RegistryUnsupportedException.class)
        .hasMessageContaining("405");
  }

  @Test
  void blobExistsAnswersWithHead() {
    byte[] data = "blob".getBytes(StandardCharsets.UTF_8);
    fake.putBlob("app", data);
    assertThat(client.blobExists(ref("app"), Digest.sha256(data))).isTrue();
    assertThat(client.blobExists(ref("app"), Digest.sha256(new byte[1]))).isFalse();
    assertThat(fake.requests("HEAD", "/blobs/")).hasSize(2);
  }

  @Test
  void copyWithinARegistryAsksForPullPushOnTheTargetAndPullOnTheSourceInOneToken()
      throws Exception {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app-1:v1"));
    TokenServer tokens = new TokenServer();
    try (MockWebServer tokenServer = new MockWebServer();
        RegistryClient fresh = RegistryClient.builder().http(http).build()) {
      tokenServer.setDispatcher(tokens);
      tokenServer.start(InetAddress.getByName("127.0.0.1"), 0);
      fake.realm = "http://127.0.0.1:" + tokenServer.getPort() + "/token";
      fake.tokens = tokens;

      CopyResult r = fresh.copy(ref("app-1:v1"), ref("app-2:v1"));

      assertThat(r.blobsMounted()).isEqualTo(3);
      assertThat(r.bytesSent()).isZero();
      List<List<String>> scopes =
          tokens.recorded.stream().map(t -> t.getUrl().queryParameterValues("scope")).toList();
      // manifest reads, HEADs, mounts and the manifest PUT all shared one token
      assertThat(scopes)
          .containsExactly(List.of("repository:app-1:pull", "repository:app-2:pull,push"));
    }
  }

  @Test
  void aStreamedPutRefusedWith401AfterItsBodyWentOutRestartsTheSession() throws Exception {
    Image img = layout("v1");
    TokenServer tokens = new TokenServer();
    AtomicInteger puts = new AtomicInteger();
    try (MockWebServer tokenServer = new MockWebServer();
        RegistryClient bearer = RegistryClient.builder().http(http).uploadConcurrency(1).build()) {
      tokenServer.setDispatcher(tokens);
      tokenServer.start(InetAddress.getByName("127.0.0.1"), 0);
      fake.realm = "http://127.0.0.1:" + tokenServer.getPort() + "/token";
      fake.tokens = tokens;
      // the first blob PUT is refused as if its token had expired, after the body was sent
      fake.fault =
          r ->
              r.getMethod().equals("PUT")
                      && r.getUrl().encodedPath().startsWith("/upload/")
                      && puts.incrementAndGet() == 1
                  ? new MockResponse.Builder()
                      .code(401)
                      .addHeader(
                          "WWW-Authenticate",
                          "Bearer realm=\""
                              + fake.realm
                              + "\",service=\"test\",scope=\"repository:app:pull,push\"")
                      .build()
                  : null;

      PushResult r = bearer.push(ImageSource.ociLayout(img.dir()), ref("app:v1"));

      assertThat(r.digest()).isEqualTo(img.manifest().digest());
    }
    // the consumed stream was not sent again on the same session: a new session was opened
    List<RecordedRequest> uploadPuts = fake.requests("PUT", "/upload/");
    assertThat(uploadPuts.get(0).getUrl().encodedPath())
        .isNotEqualTo(uploadPuts.get(1).getUrl().encodedPath());
    assertThat(fake.requests("DELETE", "/upload/")).hasSize(1);
    assertThat(fake.hasBlob("app", Digest.sha256(img.layer1()))).isTrue();
    assertThat(fake.hasBlob("app", Digest.sha256(img.layer2()))).isTrue();
  }

  @Test
  void rangeHeadersAreReadAsInclusiveEnds() {
    assertThat(BlobUploads.rangeEnd("0-999", 5)).isEqualTo(1000);
    assertThat(BlobUploads.rangeEnd("bytes=0-1499", 5)).isEqualTo(1500);
    assertThat(BlobUploads.rangeEnd("0-0", 0)).isZero(); // an empty session (distribution)
    assertThat(BlobUploads.rangeEnd("0-0", 1)).isEqualTo(1);
    assertThat(BlobUploads.rangeEnd(null, 42)).isEqualTo(42);
    assertThat(BlobUploads.rangeEnd("garbage", 42)).isEqualTo(42);
  }

  @Test
  void aCopyToATargetNamingAnotherDigestIsRefusedBeforeAnythingIsWritten() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app-1:v1"));
    fake.recorded.clear();
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> client.copy(ref("app-1:v1"), ref("app-2:v1@" + other)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(other.toString())
        .hasMessageContaining(img.manifest().digest().toString());
    assertThat(fake.recorded).allMatch(r -> r.getMethod().equals("GET"));
    assertThat(fake.manifests).doesNotContainKey("app-2@v1");
  }

  @Test
  void aCopyThatFailsHalfwayCancelsTheUploadSessionsStillOpen() throws Exception {
    TestLayouts l = new TestLayouts();
    byte[] big = TestLayouts.random(200_000, 61);
    byte[] small = TestLayouts.random(1000, 62);
    TestLayouts.Blob m = l.image("linux", "amd64", big, small);
    client.push(ImageSource.ociLayout(l.tag(m, "v1").writeTo(tmp.resolve("l"))), ref("app-1:v1"));
    Digest bigDigest = Digest.sha256(big);
    Digest smallDigest = Digest.sha256(small);
    java.util.concurrent.CountDownLatch bigStreaming = new java.util.concurrent.CountDownLatch(1);
    // the big layer streams slowly from the source; the small one is missing there, and its 404
    // comes while the big one is being uploaded to the target
    fake.fault =
        r -> {
          String path = r.getUrl().encodedPath();
          if (!r.getMethod().equals("GET")) {
            return null;
          }
          if (path.endsWith("/blobs/" + bigDigest)) {
            bigStreaming.countDown();
            return new MockResponse.Builder()
                .code(200)
                .body(new okio.Buffer().write(big))
                .throttleBody(20_000, 100, java.util.concurrent.TimeUnit.MILLISECONDS)
                .build();
          }
          if (path.endsWith("/blobs/" + smallDigest)) {
            try {
              bigStreaming.await(10, java.util.concurrent.TimeUnit.SECONDS);
              Thread.sleep(300);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return UploadRegistry.error(404, "BLOB_UNKNOWN");
          }
          return null;
        };
    UploadRegistry other = new UploadRegistry();
    try (MockWebServer second = new MockWebServer()) {
      second.setDispatcher(other);
      second.start(InetAddress.getByName("127.0.0.1"), 0);
      ImageReference target = ImageReference.parse("127.0.0.1:" + second.getPort() + "/copy:v1");

      assertThatThrownBy(() -> client.copy(ref("app-1:v1"), target))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.status()).isEqualTo(404))
          .hasMessageContaining(smallDigest.toString());

      assertThat(other.manifests).isEmpty();
      assertThat(other.blobs).doesNotContainKey("copy@" + bigDigest);
      // every session the copy opened was either closed with its blob or cancelled with DELETE
      assertThat(other.uploads.values()).isNotEmpty().allMatch(u -> u.cancelled);
      // and the stopped upload was not started again: one session per blob at most
      assertThat(other.requests("POST", "/blobs/uploads/")).hasSizeLessThanOrEqualTo(3);
    }
  }

  @Test
  void aMissingSourceBlobOnCopyIsATypedErrorNotARetryLoop() {
    Image img = layout("v1");
    client.push(ImageSource.ociLayout(img.dir()), ref("app-1:v1"));
    fake.blobs.remove("app-1@" + Digest.sha256(img.layer2()));
    fake.allowMount = false;
    fake.recorded.clear();

    assertThatThrownBy(() -> client.copy(ref("app-1:v1"), ref("app-2:v1")))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining(Digest.sha256(img.layer2()).toString());
    assertThat(fake.manifests).doesNotContainKey("app-2@v1");
  }

  /** How a layer stream breaks: the exception its read throws. */
  private interface Breakage {
    java.io.IOException exception();
  }

  /** A source whose layer stream breaks after some bytes, on every opening. */
  private static ImageSource failingSource(ImageSource real, Digest broken, AtomicInteger opens) {
    return failingSource(
        real, broken, opens, "flaky source", () -> new java.io.IOException("disk went away"));
  }

  /** A source whose layer stream breaks after some bytes, as {@code breakage} says. */
  private static ImageSource failingSource(
      ImageSource real, Digest broken, AtomicInteger opens, String description, Breakage breakage) {
    return new ImageSource() {
      @Override
      public Manifest manifest() {
        return real.manifest();
      }

      @Override
      public Manifest manifest(Descriptor descriptor) {
        return real.manifest(descriptor);
      }

      @Override
      public java.io.InputStream openBlob(Descriptor d) {
        java.io.InputStream in = real.openBlob(d);
        if (!d.digest().equals(broken)) {
          return in;
        }
        opens.incrementAndGet();
        return new java.io.FilterInputStream(in) {
          private int read;

          @Override
          public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (read >= 1500) {
              throw breakage.exception();
            }
            int n = super.read(b, off, Math.min(len, 1500 - read));
            read += Math.max(0, n);
            return n;
          }
        };
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  @Test
  void aSourceThatFailsWhileStreamingIsRetriedThenReportedAsTheSourcesError() {
    Image img = layout("v1");
    Digest l2 = Digest.sha256(img.layer2());
    for (long chunk : new long[] {0, 1000}) {
      AtomicInteger opens = new AtomicInteger();
      int deletesBefore = fake.requests("DELETE", "/upload/").size();
      ImageSource flaky = failingSource(ImageSource.ociLayout(img.dir()), l2, opens);
      try (RegistryClient c =
          RegistryClient.builder().http(http).uploadChunkSize(chunk).uploadConcurrency(1).build()) {
        assertThatThrownBy(() -> c.push(flaky, ref("app:v1")))
            .as("chunk size " + chunk)
            .isInstanceOf(ImageSourceException.class)
            .hasMessageContaining("flaky source")
            .hasMessageContaining("disk went away");
      }
      int attempts = http.retry().maxAttempts();
      assertThat(opens.get()).as("chunk size " + chunk).isEqualTo(attempts);
      assertThat(fake.requests("DELETE", "/upload/").size() - deletesBefore).isEqualTo(attempts);
      assertThat(fake.hasBlob("app", l2)).isFalse();
    }
  }

  @Test
  void anUploadInterruptedWhileItStreamsIsNotRetriedInANewSession() {
    Image img = layout("v1");
    Digest l2 = Digest.sha256(img.layer2());
    ImageSource real = ImageSource.ociLayout(img.dir());
    AtomicInteger opens = new AtomicInteger();
    // the layer is read as an interruptible file channel is: an interrupt closes it mid-read
    ImageSource interrupted =
        failingSource(
            real,
            l2,
            opens,
            "interrupted source",
            () -> {
              Thread.currentThread().interrupt();
              return new java.nio.channels.ClosedByInterruptException();
            });
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    int deletesBefore = fake.requests("DELETE", "/upload/").size();
    boolean flagAfter;
    try (RegistryClient c =
        RegistryClient.builder().http(http.withSleeper(pauses::add)).uploadConcurrency(1).build()) {
      Throwable t = catchThrowable(() -> c.push(interrupted, ref("app:v1")));
      flagAfter = Thread.interrupted(); // cleared for the next tests
      assertThat(t)
          .as("reported as the interrupt, not as a broken source")
          .isInstanceOf(RegistryIoException.class)
          .hasMessageContaining("interrupted");
    }
    assertThat(flagAfter).as("the interrupt flag is kept").isTrue();
    assertThat(opens).as("the layer was not read again").hasValue(1);
    assertThat(pauses).as("no pause before another attempt").isEmpty();
    assertThat(fake.requests("DELETE", "/upload/").size() - deletesBefore)
        .as("the interrupted session was cancelled all the same")
        .isEqualTo(1);
    assertThat(fake.hasBlob("app", l2)).isFalse();
  }
}
