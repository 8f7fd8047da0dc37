package dev.flyregistry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.MediaTypes;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Registry behaviour that FlyEmulator shares with the CNCF distribution registry 2.8.2, asserted
 * over raw HTTP. Runs against the emulator ({@link EmulatorRegistryConformanceTest}) and against a
 * real distribution registry with Basic authentication ({@link DistributionRegistryConformanceIT},
 * real-registry profile), so the emulator is shown to behave like a real registry for everything it
 * implements.
 */
abstract class RegistryConformanceSuite {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @return {@code http://host:port}
   */
  protected abstract String base();

  /**
   * @return the {@code Authorization} value that grants pull and push on both repositories
   */
  protected abstract String authorization();

  /**
   * @return a repository the credentials may push to
   */
  protected abstract String repo1();

  /**
   * @return another repository of the same owner (mounts between them are allowed)
   */
  protected abstract String repo2();

  /**
   * @return a repository the credentials may push to, where nothing is ever pushed
   */
  protected abstract String emptyRepo();

  private RawHttp.Response call(String method, String url, byte[] body, String... headers) {
    String[] all = Arrays.copyOf(headers, headers.length + 2);
    all[headers.length] = "Authorization";
    all[headers.length + 1] = authorization();
    return RawHttp.send(method, url.startsWith("http") ? url : base() + url, body, all);
  }

  private String resolve(String location) {
    return URI.create(base() + "/").resolve(location).toString();
  }

  private static String withQuery(String url, String param) {
    return url + (url.contains("?") ? "&" : "?") + param;
  }

  private static String code(RawHttp.Response r) throws IOException {
    return JSON.readTree(r.body()).path("errors").path(0).path("code").asText();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private Digest pushBlob(String repo, byte[] content) {
    RawHttp.Response post = call("POST", "/v2/" + repo + "/blobs/uploads/", null);
    assertThat(post.status()).isEqualTo(202);
    Digest d = Digest.sha256(content);
    RawHttp.Response put =
        call(
            "PUT",
            withQuery(resolve(post.header("Location").orElseThrow()), "digest=" + d),
            content,
            "Content-Type",
            "application/octet-stream");
    assertThat(put.status()).isEqualTo(201);
    return d;
  }

  private static String descriptor(String type, Digest d, long size, String arch) {
    return "{\"mediaType\":\""
        + type
        + "\",\"digest\":\""
        + d
        + "\",\"size\":"
        + size
        + (arch == null ? "" : ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}")
        + "}";
  }

  /** Pushes config and layer blobs and returns an image manifest over them (not yet pushed). */
  private byte[] imageManifest(String repo, boolean docker) {
    byte[] config =
        bytes(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"n\":\""
                + UUID.randomUUID()
                + "\"}");
    byte[] layer = bytes("layer " + UUID.randomUUID());
    Digest c = pushBlob(repo, config);
    Digest l = pushBlob(repo, layer);
    String type = docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
    return bytes(
        "{\"schemaVersion\":2,\"mediaType\":\""
            + type
            + "\",\"config\":"
            + descriptor(
                docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, c, config.length, null)
            + ",\"layers\":["
            + descriptor(
                docker ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER, l, layer.length, null)
            + "]}");
  }

  private RawHttp.Response putManifest(
      String repo, String reference, byte[] manifest, String type) {
    return call("PUT", "/v2/" + repo + "/manifests/" + reference, manifest, "Content-Type", type);
  }

  // ------------------------------------------------------------------------------ tests

  @Test
  void baseChallengesWithBasicAndAcceptsTheCredentials() throws IOException {
    RawHttp.Response anonymous = RawHttp.send("GET", base() + "/v2/", (byte[]) null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate").orElse("")).startsWith("Basic realm=\"");
    assertThat(code(anonymous)).isEqualTo("UNAUTHORIZED");
    RawHttp.Response ok = call("GET", "/v2/", null);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("Docker-Distribution-API-Version")).contains("registry/2.0");
  }

  @Test
  void monolithicUpload() {
    byte[] content = bytes("monolithic " + UUID.randomUUID());
    RawHttp.Response post = call("POST", "/v2/" + repo1() + "/blobs/uploads/", null);
    assertThat(post.status()).isEqualTo(202);
    assertThat(post.header("Docker-Upload-UUID")).isPresent();
    assertThat(post.header("Range")).contains("0-0");
    String location = resolve(post.header("Location").orElseThrow());
    assertThat(URI.create(location).getPath()).startsWith("/v2/" + repo1() + "/blobs/uploads/");
    Digest d = Digest.sha256(content);
    RawHttp.Response put =
        call(
            "PUT",
            withQuery(location, "digest=" + d),
            content,
            "Content-Type",
            "application/octet-stream");
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(URI.create(resolve(put.header("Location").orElseThrow())).getPath())
        .isEqualTo("/v2/" + repo1() + "/blobs/" + d);
    RawHttp.Response head = call("HEAD", "/v2/" + repo1() + "/blobs/" + d, null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).contains(Integer.toString(content.length));
    assertThat(head.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(call("GET", "/v2/" + repo1() + "/blobs/" + d, null).body()).isEqualTo(content);
  }

  @Test
  void chunkedUploadReportsItsStatus() {
    byte[] content = bytes("chunked upload " + UUID.randomUUID());
    RawHttp.Response post = call("POST", "/v2/" + repo1() + "/blobs/uploads/", null);
    String location = resolve(post.header("Location").orElseThrow());
    RawHttp.Response p1 =
        call(
            "PATCH",
            location,
            Arrays.copyOfRange(content, 0, 5),
            "Content-Range",
            "0-4",
            "Content-Type",
            "application/octet-stream");
    assertThat(p1.status()).isEqualTo(202);
    assertThat(p1.header("Range")).contains("0-4");
    location = resolve(p1.header("Location").orElseThrow());
    RawHttp.Response status = call("GET", location, null);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).contains("0-4");
    assertThat(status.header("Docker-Upload-UUID")).isPresent();
    RawHttp.Response p2 =
        call(
            "PATCH",
            location,
            Arrays.copyOfRange(content, 5, content.length),
            "Content-Range",
            "5-" + (content.length - 1),
            "Content-Type",
            "application/octet-stream");
    assertThat(p2.status()).isEqualTo(202);
    Digest d = Digest.sha256(content);
    RawHttp.Response put =
        call("PUT", withQuery(resolve(p2.header("Location").orElseThrow()), "digest=" + d), null);
    assertThat(put.status()).isEqualTo(201);
    assertThat(call("GET", "/v2/" + repo1() + "/blobs/" + d, null).body()).isEqualTo(content);
  }

  @Test
  void digestMismatchIsDigestInvalid() throws IOException {
    RawHttp.Response post = call("POST", "/v2/" + repo1() + "/blobs/uploads/", null);
    Digest wrong = Digest.sha256(bytes("not the content"));
    RawHttp.Response put =
        call(
            "PUT",
            withQuery(resolve(post.header("Location").orElseThrow()), "digest=" + wrong),
            bytes("the content"),
            "Content-Type",
            "application/octet-stream");
    assertThat(put.status()).isEqualTo(400);
    assertThat(code(put)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void postWithDigestAndBodyOnlyOpensASession() {
    byte[] content = bytes("single request " + UUID.randomUUID());
    Digest d = Digest.sha256(content);
    RawHttp.Response post =
        call(
            "POST",
            "/v2/" + repo1() + "/blobs/uploads/?digest=" + d,
            content,
            "Content-Type",
            "application/octet-stream");
    assertThat(post.status()).isEqualTo(202);
    assertThat(post.header("Range")).contains("0-0");
    assertThat(call("HEAD", "/v2/" + repo1() + "/blobs/" + d, null).status()).isEqualTo(404);
  }

  @Test
  void cancelledUploadIsGone() throws IOException {
    RawHttp.Response post = call("POST", "/v2/" + repo1() + "/blobs/uploads/", null);
    String location = resolve(post.header("Location").orElseThrow());
    assertThat(call("DELETE", location, null).status()).isEqualTo(204);
    RawHttp.Response after = call("GET", location, null);
    assertThat(after.status()).isEqualTo(404);
    assertThat(code(after)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void unknownBlobAndManifest() throws IOException {
    Digest d = Digest.sha256(bytes("never pushed " + UUID.randomUUID()));
    RawHttp.Response blob = call("GET", "/v2/" + repo1() + "/blobs/" + d, null);
    assertThat(blob.status()).isEqualTo(404);
    assertThat(code(blob)).isEqualTo("BLOB_UNKNOWN");
    assertThat(call("HEAD", "/v2/" + repo1() + "/blobs/" + d, null).status()).isEqualTo(404);
    pushBlob(repo1(), bytes("make the repository exist"));
    RawHttp.Response manifest =
        call(
            "GET",
            "/v2/" + repo1() + "/manifests/" + unique("absent"),
            null,
            "Accept",
            MediaTypes.acceptHeader());
    assertThat(manifest.status()).isEqualTo(404);
    assertThat(code(manifest)).isEqualTo("MANIFEST_UNKNOWN");
  }

  @Test
  void aRepositoryWithNothingPushed() throws IOException {
    RawHttp.Response tags = call("GET", "/v2/" + emptyRepo() + "/tags/list", null);
    assertThat(tags.status()).isEqualTo(404);
    assertThat(code(tags)).isEqualTo("NAME_UNKNOWN");
    RawHttp.Response manifest =
        call(
            "GET",
            "/v2/" + emptyRepo() + "/manifests/v1",
            null,
            "Accept",
            MediaTypes.acceptHeader());
    assertThat(manifest.status()).isEqualTo(404);
    assertThat(code(manifest)).isEqualTo("MANIFEST_UNKNOWN");
    RawHttp.Response byDigest =
        call(
            "HEAD",
            "/v2/" + emptyRepo() + "/manifests/" + Digest.sha256(bytes("x")),
            null,
            "Accept",
            MediaTypes.acceptHeader());
    assertThat(byDigest.status()).isEqualTo(404);
    RawHttp.Response blob =
        call("GET", "/v2/" + emptyRepo() + "/blobs/" + Digest.sha256(bytes("x")), null);
    assertThat(blob.status()).isEqualTo(404);
    assertThat(code(blob)).isEqualTo("BLOB_UNKNOWN");
    RawHttp.Response empty = putManifest(emptyRepo(), "v1", new byte[0], MediaTypes.OCI_MANIFEST);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(code(empty)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void manifestWithAMissingBlobIsRefused() throws IOException {
    Digest c = pushBlob(repo1(), bytes("{\"c\":\"" + UUID.randomUUID() + "\"}"));
    Digest missing = Digest.sha256(bytes("missing layer " + UUID.randomUUID()));
    byte[] manifest =
        bytes(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":"
                + descriptor(MediaTypes.OCI_CONFIG, c, 10, null)
                + ",\"layers\":["
                + descriptor(MediaTypes.OCI_LAYER, missing, 5, null)
                + "]}");
    RawHttp.Response r = putManifest(repo1(), unique("t"), manifest, MediaTypes.OCI_MANIFEST);
    assertThat(r.status()).isEqualTo(400);
    assertThat(code(r)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void manifestPushHeadAndContentNegotiation() throws IOException {
    byte[] manifest = imageManifest(repo1(), false);
    Digest d = Digest.sha256(manifest);
    String tag = unique("oci");
    RawHttp.Response put = putManifest(repo1(), tag, manifest, MediaTypes.OCI_MANIFEST);
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(URI.create(resolve(put.header("Location").orElseThrow())).getPath())
        .isEqualTo("/v2/" + repo1() + "/manifests/" + d);

    RawHttp.Response head =
        call(
            "HEAD",
            "/v2/" + repo1() + "/manifests/" + tag,
            null,
            "Accept",
            MediaTypes.acceptHeader());
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(head.header("Content-Type")).contains(MediaTypes.OCI_MANIFEST);
    assertThat(head.header("Content-Length")).contains(Integer.toString(manifest.length));

    RawHttp.Response get =
        call("GET", "/v2/" + repo1() + "/manifests/" + d, null, "Accept", MediaTypes.OCI_MANIFEST);
    assertThat(get.body()).isEqualTo(manifest);

    RawHttp.Response dockerOnly =
        call(
            "GET",
            "/v2/" + repo1() + "/manifests/" + tag,
            null,
            "Accept",
            MediaTypes.DOCKER_MANIFEST);
    assertThat(dockerOnly.status()).isEqualTo(404);
    assertThat(code(dockerOnly)).isEqualTo("MANIFEST_UNKNOWN");
  }

  @Test
  void dockerManifestPushAndHead() {
    byte[] manifest = imageManifest(repo1(), true);
    String tag = unique("docker");
    assertThat(putManifest(repo1(), tag, manifest, MediaTypes.DOCKER_MANIFEST).status())
        .isEqualTo(201);
    RawHttp.Response head =
        call(
            "HEAD",
            "/v2/" + repo1() + "/manifests/" + tag,
            null,
            "Accept",
            MediaTypes.DOCKER_MANIFEST);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Type")).contains(MediaTypes.DOCKER_MANIFEST);
    assertThat(head.header("Docker-Content-Digest")).contains(Digest.sha256(manifest).toString());
  }

  @Test
  void pushByDigestIsVerified() throws IOException {
    byte[] manifest = imageManifest(repo1(), false);
    Digest wrong = Digest.sha256(bytes("another manifest"));
    RawHttp.Response bad =
        putManifest(repo1(), wrong.toString(), manifest, MediaTypes.OCI_MANIFEST);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(code(bad)).isEqualTo("DIGEST_INVALID");
    Digest right = Digest.sha256(manifest);
    assertThat(putManifest(repo1(), right.toString(), manifest, MediaTypes.OCI_MANIFEST).status())
        .isEqualTo(201);
  }

  @Test
  void deleteWorksByDigestOnly() throws IOException {
    byte[] manifest = imageManifest(repo1(), false);
    Digest d = Digest.sha256(manifest);
    String tag = unique("del");
    putManifest(repo1(), tag, manifest, MediaTypes.OCI_MANIFEST);
    RawHttp.Response byTag = call("DELETE", "/v2/" + repo1() + "/manifests/" + tag, null);
    assertThat(byTag.status()).isEqualTo(400);
    assertThat(code(byTag)).isEqualTo("DIGEST_INVALID");
    assertThat(call("DELETE", "/v2/" + repo1() + "/manifests/" + d, null).status()).isEqualTo(202);
    assertThat(
            call(
                    "HEAD",
                    "/v2/" + repo1() + "/manifests/" + tag,
                    null,
                    "Accept",
                    MediaTypes.acceptHeader())
                .status())
        .isEqualTo(404);
  }

  @Test
  void mountBetweenRepositories() {
    Digest d = pushBlob(repo1(), bytes("shared layer " + UUID.randomUUID()));
    RawHttp.Response mount =
        call("POST", "/v2/" + repo2() + "/blobs/uploads/?mount=" + d + "&from=" + repo1(), null);
    assertThat(mount.status()).isEqualTo(201);
    assertThat(mount.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(URI.create(resolve(mount.header("Location").orElseThrow())).getPath())
        .isEqualTo("/v2/" + repo2() + "/blobs/" + d);
    assertThat(call("HEAD", "/v2/" + repo2() + "/blobs/" + d, null).status()).isEqualTo(200);

    Digest missing = Digest.sha256(bytes("not in the source " + UUID.randomUUID()));
    RawHttp.Response fallback =
        call(
            "POST",
            "/v2/" + repo2() + "/blobs/uploads/?mount=" + missing + "&from=" + repo1(),
            null);
    assertThat(fallback.status()).isEqualTo(202);
    assertThat(fallback.header("Docker-Upload-UUID")).isPresent();
  }

  @Test
  void indexesNeedTheirTypeInAcceptAndDockerListsFallBackToAmd64() throws IOException {
    for (boolean docker : new boolean[] {false, true}) {
      String imageType = docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
      String indexType = docker ? MediaTypes.DOCKER_MANIFEST_LIST : MediaTypes.OCI_INDEX;
      byte[] amd64 = imageManifest(repo1(), docker);
      byte[] arm64 = imageManifest(repo1(), docker);
      Digest a = Digest.sha256(amd64);
      Digest b = Digest.sha256(arm64);
      assertThat(putManifest(repo1(), a.toString(), amd64, imageType).status()).isEqualTo(201);
      assertThat(putManifest(repo1(), b.toString(), arm64, imageType).status()).isEqualTo(201);
      byte[] index =
          bytes(
              "{\"schemaVersion\":2,\"mediaType\":\""
                  + indexType
                  + "\",\"manifests\":["
                  + descriptor(imageType, a, amd64.length, "amd64")
                  + ","
                  + descriptor(imageType, b, arm64.length, "arm64")
                  + "]}");
      String tag = unique("index");
      assertThat(putManifest(repo1(), tag, index, indexType).status()).isEqualTo(201);
      RawHttp.Response withType =
          call("GET", "/v2/" + repo1() + "/manifests/" + tag, null, "Accept", indexType);
      assertThat(withType.header("Docker-Content-Digest"))
          .contains(Digest.sha256(index).toString());
      RawHttp.Response withoutType =
          call("GET", "/v2/" + repo1() + "/manifests/" + tag, null, "Accept", imageType);
      if (docker) {
        assertThat(withoutType.status()).isEqualTo(200);
        assertThat(withoutType.header("Docker-Content-Digest")).contains(a.toString());
      } else {
        assertThat(withoutType.status()).isEqualTo(404);
        assertThat(code(withoutType)).isEqualTo("MANIFEST_UNKNOWN");
      }
    }
  }

  @Test
  void manifestTypeMustMatchContentType() throws IOException {
    byte[] manifest = imageManifest(repo1(), false);
    RawHttp.Response r =
        putManifest(repo1(), unique("mismatch"), manifest, MediaTypes.DOCKER_MANIFEST);
    assertThat(r.status()).isEqualTo(400);
    assertThat(code(r)).isEqualTo("MANIFEST_INVALID");
  }

  @Test
  void tagListNamesTheRepositoryAndItsTags() throws IOException {
    byte[] manifest = imageManifest(repo2(), false);
    Digest d = Digest.sha256(manifest);
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String tag = unique("list");
      tags.add(tag);
      assertThat(
              putManifest(repo2(), tag, manifest, MediaTypes.OCI_MANIFEST)
                  .header("Docker-Content-Digest"))
          .contains(d.toString());
    }
    RawHttp.Response list = call("GET", "/v2/" + repo2() + "/tags/list", null);
    assertThat(list.status()).isEqualTo(200);
    JsonNode body = JSON.readTree(list.body());
    assertThat(body.path("name").asText()).isEqualTo(repo2());
    Set<String> listed = new HashSet<>();
    body.path("tags").forEach(t -> listed.add(t.asText()));
    assertThat(listed).containsAll(tags);
  }
}
