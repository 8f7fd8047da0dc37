package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.http.HttpSettings;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RegistryClient#config}: the image configuration behind a tag, an image or an index. */
class RegistryClientConfigTest {
  private static final String CONFIG =
      "{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\","
          + "\"created\":\"2026-11-27T10:15:30.123456789Z\","
          + "\"config\":{\"Entrypoint\":[\"/app/run\"],\"Cmd\":[\"serve\",\"--port\",\"8080\"],"
          + "\"Env\":[\"PATH=/usr/bin\",\"API_SECRET=do-not-print\"],\"WorkingDir\":\"/app\","
          + "\"User\":\"1000\",\"Labels\":{\"org.opencontainers.image.source\":\"https://x\"},"
          + "\"ExposedPorts\":{\"9090/tcp\":{},\"8080/tcp\":{}}},"
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
          + "a".repeat(64)
          + "\",\"sha256:"
          + "b".repeat(64)
          + "\"]}}";

  private final MockWebServer server = new MockWebServer();
  private final FakeRegistry fake = new FakeRegistry();
  private final HttpSettings http =
      HttpSettings.defaults().withSleeper(new CopyOnWriteArrayList<Duration>()::add);
  private String registry;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(fake);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    registry = "127.0.0.1:" + server.getPort();
    client = RegistryClient.builder().http(http).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry + "/" + repoAndTag);
  }

  private Digest image(String repo, String tag, String configJson) {
    byte[] bytes = configJson.getBytes(StandardCharsets.UTF_8);
    Digest config = fake.putBlob(repo, bytes, null);
    return fake.put(
        repo,
        tag,
        FakeRegistry.ociManifestWithConfig(config, bytes.length),
        MediaTypes.OCI_MANIFEST);
  }

  private static String index(Map<String, Digest> byPlatform) {
    StringBuilder b =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[");
    String sep = "";
    for (Map.Entry<String, Digest> e : byPlatform.entrySet()) {
      String[] p = e.getKey().split("/");
      b.append(sep)
          .append("{\"mediaType\":\"")
          .append(MediaTypes.OCI_MANIFEST)
          .append("\",\"digest\":\"")
          .append(e.getValue())
          .append("\",\"size\":100,\"platform\":{\"os\":\"")
          .append(p[0])
          .append("\",\"architecture\":\"")
          .append(p[1])
          .append("\"}}");
      sep = ",";
    }
    return b.append("]}").toString();
  }

  @Test
  void readsEveryFieldOfASingleImagesConfig() {
    image("app", "v1", CONFIG);

    ImageConfig c = client.config(ref("app:v1"));

    assertThat(c.digest()).isEqualTo(Digest.sha256(CONFIG.getBytes(StandardCharsets.UTF_8)));
    assertThat(c.platform().toString()).isEqualTo("linux/arm64/v8");
    assertThat(c.created()).hasValue(Instant.parse("2026-11-27T10:15:30.123456789Z"));
    assertThat(c.entrypoint()).containsExactly("/app/run");
    assertThat(c.cmd()).containsExactly("serve", "--port", "8080");
    assertThat(c.env()).containsExactly("PATH=/usr/bin", "API_SECRET=do-not-print");
    assertThat(c.workingDir()).hasValue("/app");
    assertThat(c.user()).hasValue("1000");
    assertThat(c.labels())
        .containsExactly(Map.entry("org.opencontainers.image.source", "https://x"));
    assertThat(c.exposedPorts()).containsExactly("8080/tcp", "9090/tcp");
    assertThat(c.diffIds())
        .containsExactly(
            Digest.parse("sha256:" + "a".repeat(64)), Digest.parse("sha256:" + "b".repeat(64)));
    assertThat(c.json()).isEqualTo(CONFIG);
    // a single image is read whatever platform is asked for: there is nothing to choose
    assertThat(client.config(ref("app:v1"), Platform.of("linux", "amd64"))).isEqualTo(c);
  }

  @Test
  void toStringLeavesOutTheEnvironment() {
    image("app", "v1", CONFIG);

    String text = client.config(ref("app:v1")).toString();

    assertThat(text).contains("linux/arm64/v8").contains("2 layers").doesNotContain("do-not-print");
  }

  @Test
  void aMinimalConfigHasEmptyOptionalParts() {
    String minimal = "{\"os\":\"linux\",\"architecture\":\"amd64\"}";
    image("app", "min", minimal);

    ImageConfig c = client.config(ref("app:min"));

    assertThat(c.platform()).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(c.created()).isEmpty();
    assertThat(c.entrypoint()).isEmpty();
    assertThat(c.cmd()).isEmpty();
    assertThat(c.env()).isEmpty();
    assertThat(c.workingDir()).isEmpty();
    assertThat(c.labels()).isEmpty();
    assertThat(c.diffIds()).isEmpty();
  }

  @Test
  void anIndexGivesTheLinuxAmd64ImageByDefaultAndAnotherOnRequest() {
    Digest amd =
        image("multi", "amd", CONFIG.replace("arm64", "amd64").replace(",\"variant\":\"v8\"", ""));
    Digest arm = image("multi", "arm", CONFIG);
    fake.put(
        "multi",
        "v1",
        index(new java.util.LinkedHashMap<>(Map.of("linux/arm64", arm, "linux/amd64", amd))),
        MediaTypes.OCI_INDEX);

    assertThat(client.config(ref("multi:v1")).platform().architecture()).isEqualTo("amd64");
    assertThat(client.config(ref("multi:v1"), Platform.of("linux", "arm64")).platform().toString())
        .isEqualTo("linux/arm64/v8");
  }

  @Test
  void aPlatformTheIndexLacksIsATypedErrorListingWhatItHas() {
    Digest amd = image("multi", "amd", CONFIG.replace("arm64", "amd64"));
    fake.put("multi", "v1", index(Map.of("linux/amd64", amd)), MediaTypes.OCI_INDEX);

    assertThatThrownBy(() -> client.config(ref("multi:v1"), Platform.of("linux", "s390x")))
        .isInstanceOfSatisfying(
            PlatformNotFoundException.class,
            e -> {
              assertThat(e.platform()).isEqualTo(Platform.of("linux", "s390x"));
              assertThat(e.available()).containsExactly(Platform.of("linux", "amd64"));
              assertThat(e.getMessage()).contains("linux/s390x").contains("it has linux/amd64");
            });
    Platform v7 = new Platform("linux", "amd64", Optional.of("v7"), Optional.empty(), List.of());
    assertThatThrownBy(() -> client.config(ref("multi:v1"), v7))
        .isInstanceOf(PlatformNotFoundException.class);
  }

  @Test
  void aBlobThatDoesNotHashToItsDigestIsRefused() {
    byte[] bytes = CONFIG.getBytes(StandardCharsets.UTF_8);
    Digest claimed = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    fake.putBlob("app", bytes, claimed);
    fake.put(
        "app",
        "bad",
        FakeRegistry.ociManifestWithConfig(claimed, bytes.length),
        MediaTypes.OCI_MANIFEST);

    assertThatThrownBy(() -> client.config(ref("app:bad")))
        .isInstanceOfSatisfying(
            DigestMismatchException.class,
            e -> assertThat(e.getMessage()).contains("GET blob").contains(claimed.toString()));
  }

  @Test
  void aConfigThatIsNotAnImageConfigIsATypedError() {
    image("app", "array", "[1,2]");
    image("app", "noos", "{\"architecture\":\"amd64\"}");
    image("app", "text", "not json");

    assertThatThrownBy(() -> client.config(ref("app:array")))
        .isInstanceOf(ImageConfigException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> client.config(ref("app:noos")))
        .isInstanceOf(ImageConfigException.class)
        .hasMessageContaining("\"os\"");
    assertThatThrownBy(() -> client.config(ref("app:text")))
        .isInstanceOf(ImageConfigException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void anOversizedConfigIsRefusedBeforeAnyDownload() {
    Digest config = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
    fake.put(
        "app",
        "huge",
        FakeRegistry.ociManifestWithConfig(config, RegistryClient.MAX_CONFIG_BYTES + 1),
        MediaTypes.OCI_MANIFEST);

    assertThatThrownBy(() -> client.config(ref("app:huge")))
        .isInstanceOf(ImageConfigException.class)
        .hasMessageContaining("over the limit");
    assertThat(fake.recorded).noneMatch(r -> r.getUrl().encodedPath().contains("/blobs/"));
  }

  @Test
  void aMissingBlobIsA404RegistryException() {
    Digest config = Digest.sha256("gone".getBytes(StandardCharsets.UTF_8));
    fake.put("app", "gone", FakeRegistry.ociManifestWithConfig(config, 4), MediaTypes.OCI_MANIFEST);

    assertThatThrownBy(() -> client.config(ref("app:gone")))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.hasCode(RegistryErrorCode.BLOB_UNKNOWN)).isTrue();
            });
  }

  /** An index entry: {@code os/arch[/variant]}, with annotations as JSON text (or null). */
  private static String entry(Digest digest, String platform, String annotationsJson) {
    String[] p = platform.split("/");
    return "{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":100,\"platform\":{\"os\":\""
        + p[0]
        + "\",\"architecture\":\""
        + p[1]
        + "\""
        + (p.length > 2 ? ",\"variant\":\"" + p[2] + "\"" : "")
        + "}"
        + (annotationsJson == null ? "" : ",\"annotations\":" + annotationsJson)
        + "}";
  }

  @Test
  void arm64V8FindsAnEntryListedWithoutVariantAndAttestationsAreNeitherChosenNorListed() {
    Digest arm = image("multi", "arm", CONFIG.replace(",\"variant\":\"v8\"", ""));
    Digest attestation = image("multi", "att", "{\"os\":\"unknown\",\"architecture\":\"x\"}");
    fake.put(
        "multi",
        "v1",
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":["
            + entry(arm, "linux/arm64", null)
            + ","
            + entry(
                attestation,
                "unknown/unknown",
                "{\"vnd.docker.reference.type\":\"attestation-manifest\","
                    + "\"vnd.docker.reference.digest\":\""
                    + arm
                    + "\"}")
            + "]}",
        MediaTypes.OCI_INDEX);
    Platform arm64v8 =
        new Platform("linux", "arm64", Optional.of("v8"), Optional.empty(), List.of());

    assertThat(client.config(ref("multi:v1"), arm64v8).platform().architecture())
        .isEqualTo("arm64");
    Platform arm64v9 =
        new Platform("linux", "arm64", Optional.of("v9"), Optional.empty(), List.of());
    assertThatThrownBy(() -> client.config(ref("multi:v1"), arm64v9))
        .isInstanceOf(PlatformNotFoundException.class);
    assertThatThrownBy(() -> client.config(ref("multi:v1"), Platform.of("linux", "s390x")))
        .isInstanceOfSatisfying(
            PlatformNotFoundException.class,
            e -> {
              assertThat(e.available()).containsExactly(Platform.of("linux", "arm64"));
              assertThat(e.getMessage()).contains("it has linux/arm64").doesNotContain("unknown");
            });
  }

  @Test
  void variantsCompareWithOrWithoutTheirLeadingV() {
    assertThat(
            RegistryClient.matches(
                new Platform("linux", "arm", Optional.of("v7"), Optional.empty(), List.of()),
                new Platform("linux", "arm", Optional.of("7"), Optional.empty(), List.of())))
        .isTrue();
    assertThat(
            RegistryClient.matches(
                Platform.of("linux", "arm"),
                new Platform("linux", "arm", Optional.of("v7"), Optional.empty(), List.of())))
        .isFalse();
    assertThat(
            RegistryClient.matches(
                Platform.of("linux", "amd64"),
                new Platform("linux", "amd64", Optional.of("v1"), Optional.empty(), List.of())))
        .isTrue();
  }
}
