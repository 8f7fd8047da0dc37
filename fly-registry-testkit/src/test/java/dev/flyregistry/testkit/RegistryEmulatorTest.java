package dev.flyregistry.testkit;

import static dev.flyregistry.testkit.RawHttp.basic;
import static dev.flyregistry.testkit.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FlyEmulatorExtension.class)
class RegistryEmulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT_ALL = MediaTypes.acceptHeader();

  static FlyEmulator fly;
  static String token;
  static String otherToken;
  static String base;

  @org.junit.jupiter.api.AfterAll
  static void noEmulatorFailures() {
    assertThat(fly.metrics().internalErrors()).isEmpty();
  }

  @BeforeAll
  static void setUp() {
    fly.createOrganization("acme");
    fly.createOrganization("other");
    token = fly.createToken("acme");
    otherToken = fly.createToken("other");
    fly.createApp("acme", "app-1");
    fly.createApp("acme", "app-2");
    fly.createApp("acme", "app-3");
    fly.createApp("other", "foreign");
    base = fly.registryUrl();
  }

  private static RawHttp.Response call(String method, String path, byte[] body, String... headers) {
    String[] all = Arrays.copyOf(headers, headers.length + 2);
    all[headers.length] = "Authorization";
    all[headers.length + 1] = basic(token);
    return send(method, path.startsWith("http") ? path : base + path, body, all);
  }

  private static JsonNode json(RawHttp.Response r) throws IOException {
    return JSON.readTree(r.body());
  }

  private static String errorCode(RawHttp.Response r) throws IOException {
    return json(r).path("errors").path(0).path("code").asText();
  }

  // ------------------------------------------------------------------ authentication

  @Test
  void baseAnswersBasicChallengeWithoutCredentials() throws IOException {
    RawHttp.Response r = send("GET", base + "/v2/", (byte[]) null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\""));
    assertThat(r.header("Docker-Distribution-API-Version")).contains("registry/2.0");
    assertThat(errorCode(r)).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void baseAcceptsUsernameXWithTheTokenOrOnePartOfIt() {
    assertThat(call("GET", "/v2/", null).status()).isEqualTo(200);
    String firstPart = token.split(",")[0];
    assertThat(
            send("GET", base + "/v2/", (byte[]) null, "Authorization", basic(firstPart)).status())
        .isEqualTo(200);
    String withUnknownPart = "fm2_unknownpart," + token.split(",")[1];
    assertThat(
            send("GET", base + "/v2/", (byte[]) null, "Authorization", basic(withUnknownPart))
                .status())
        .isEqualTo(200);
  }

  @Test
  void wrongUsernameOrUnknownTokenIsUnauthorized() throws IOException {
    String wrongUser =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(("someone:" + token).getBytes(StandardCharsets.UTF_8));
    RawHttp.Response r = send("GET", base + "/v2/", (byte[]) null, "Authorization", wrongUser);
    assertThat(r.status()).isEqualTo(401);
    r = send("GET", base + "/v2/", (byte[]) null, "Authorization", basic("fm2_nope"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(errorCode(r)).isEqualTo("UNAUTHORIZED");
    r =
        send(
            "GET", base + "/v2/app-1/tags/list", (byte[]) null, "Authorization", "Bearer " + token);
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void appOfAnotherOrganizationIsDenied() throws IOException {
    fly.pushImage("foreign", "v1");
    RawHttp.Response r = call("HEAD", "/v2/foreign/manifests/v1", null, "Accept", ACCEPT_ALL);
    assertThat(r.status()).isEqualTo(403);
    r = call("GET", "/v2/foreign/manifests/v1", null, "Accept", ACCEPT_ALL);
    assertThat(errorCode(r)).isEqualTo("DENIED");
    r = call("POST", "/v2/foreign/blobs/uploads/", null);
    assertThat(r.status()).isEqualTo(403);
    // the owner can read it
    r =
        send(
            "HEAD",
            base + "/v2/foreign/manifests/v1",
            (byte[]) null,
            "Accept",
            ACCEPT_ALL,
            "Authorization",
            basic(otherToken));
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void pushToAnAppThatDoesNotExistIsNameUnknown() throws IOException {
    RawHttp.Response r = call("POST", "/v2/no-such-app/blobs/uploads/", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(errorCode(r)).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void invalidRepositoryNameIsNameInvalid() throws IOException {
    RawHttp.Response r = call("GET", "/v2/App_1-/tags/list", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("NAME_INVALID");
  }

  // ------------------------------------------------------------------ manifests

  @Test
  void headAndGetManifestCarryDigestTypeAndLength() {
    EmulatedImage image = fly.pushImage("app-1", "head-get");
    byte[] bytes = image.manifestJson().getBytes(StandardCharsets.UTF_8);
    RawHttp.Response head =
        call("HEAD", "/v2/app-1/manifests/head-get", null, "Accept", ACCEPT_ALL);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Docker-Content-Digest")).contains(image.digest().toString());
    assertThat(head.header("Content-Type")).contains(MediaTypes.OCI_MANIFEST);
    assertThat(head.header("Content-Length")).contains(Integer.toString(bytes.length));
    assertThat(head.body()).isEmpty();

    RawHttp.Response get =
        call("GET", "/v2/app-1/manifests/" + image.digest(), null, "Accept", ACCEPT_ALL);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(bytes);
    assertThat(get.header("Docker-Content-Digest")).contains(image.digest().toString());
  }

  @Test
  void ociManifestWithoutOciAcceptIsManifestUnknownLikeDistribution() throws IOException {
    fly.pushImage("app-1", "oci-only");
    RawHttp.Response r =
        call("GET", "/v2/app-1/manifests/oci-only", null, "Accept", MediaTypes.DOCKER_MANIFEST);
    assertThat(r.status()).isEqualTo(404);
    assertThat(errorCode(r)).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(json(r).path("errors").path(0).path("message").asText()).contains("OCI manifest");
  }

  @Test
  void ociIndexNeedsItsTypeInAccept() throws IOException {
    EmulatedImage index = fly.pushIndex("app-1", "oci-index", false);
    RawHttp.Response r =
        call(
            "GET",
            "/v2/app-1/manifests/oci-index",
            null,
            "Accept",
            MediaTypes.OCI_MANIFEST + ", " + MediaTypes.DOCKER_MANIFEST);
    assertThat(r.status()).isEqualTo(404);
    assertThat(errorCode(r)).isEqualTo("MANIFEST_UNKNOWN");
    r = call("GET", "/v2/app-1/manifests/oci-index", null, "Accept", MediaTypes.OCI_INDEX);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Docker-Content-Digest")).contains(index.digest().toString());
    assertThat(r.header("Content-Type")).contains(MediaTypes.OCI_INDEX);
  }

  @Test
  void dockerManifestListByTagWithoutListAcceptServesTheAmd64Image() throws IOException {
    EmulatedImage list = fly.pushIndex("app-1", "docker-list", true);
    JsonNode parsed = JSON.readTree(list.manifestJson());
    String amd64 = null;
    for (JsonNode m : parsed.path("manifests")) {
      if (m.path("platform").path("architecture").asText().equals("amd64")) {
        amd64 = m.path("digest").asText();
      }
    }
    RawHttp.Response r =
        call("GET", "/v2/app-1/manifests/docker-list", null, "Accept", MediaTypes.DOCKER_MANIFEST);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Docker-Content-Digest")).contains(amd64);
    assertThat(r.header("Content-Type")).contains(MediaTypes.DOCKER_MANIFEST);
    r =
        call(
            "GET",
            "/v2/app-1/manifests/docker-list",
            null,
            "Accept",
            MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(r.header("Docker-Content-Digest")).contains(list.digest().toString());
  }

  @Test
  void dockerImagesByTagForAClientWithoutDockerAcceptAreManifestInvalidLikeDistribution()
      throws IOException {
    EmulatedImage list = fly.pushIndex("app-1", "docker-list-2", true);
    EmulatedImage image =
        fly.pushImage("app-1", "docker-v2", MediaTypes.DOCKER_MANIFEST, new byte[] {7});
    String ociOnly = MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX;
    for (String path : List.of("docker-list-2", "docker-v2")) {
      RawHttp.Response r = call("GET", "/v2/app-1/manifests/" + path, null, "Accept", ociOnly);
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(errorCode(r)).isEqualTo("MANIFEST_INVALID");
      assertThat(json(r).path("errors").path(0).path("detail").asText()).contains("empty history");
      RawHttp.Response noAccept = call("GET", "/v2/app-1/manifests/" + path, null);
      assertThat(noAccept.status()).as(path).isEqualTo(400);
      assertThat(errorCode(noAccept)).isEqualTo("MANIFEST_INVALID");
    }
    // by digest there is no rewrite: the stored manifest is served as it is
    for (EmulatedImage i : List.of(list, image)) {
      RawHttp.Response r =
          call("GET", "/v2/app-1/manifests/" + i.digest(), null, "Accept", ociOnly);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Docker-Content-Digest")).contains(i.digest().toString());
    }
  }

  @Test
  void unknownManifestIsManifestUnknown() throws IOException {
    RawHttp.Response r = call("GET", "/v2/app-1/manifests/nope", null, "Accept", ACCEPT_ALL);
    assertThat(r.status()).isEqualTo(404);
    assertThat(errorCode(r)).isEqualTo("MANIFEST_UNKNOWN");
    RawHttp.Response head = call("HEAD", "/v2/app-1/manifests/nope", null, "Accept", ACCEPT_ALL);
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  private static String ociManifest(Digest config, long configSize, Digest layer, long layerSize) {
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG
        + "\",\"digest\":\""
        + config
        + "\",\"size\":"
        + configSize
        + "},\"layers\":[{\"mediaType\":\""
        + MediaTypes.OCI_LAYER
        + "\",\"digest\":\""
        + layer
        + "\",\"size\":"
        + layerSize
        + "}]}";
  }

  private static Digest upload(String repo, byte[] content) {
    RawHttp.Response post = call("POST", "/v2/" + repo + "/blobs/uploads/", null);
    assertThat(post.status()).isEqualTo(202);
    Digest d = Digest.sha256(content);
    String location = post.header("Location").orElseThrow();
    RawHttp.Response put =
        call("PUT", location + "&digest=" + d, content, "Content-Type", "application/octet-stream");
    assertThat(put.status()).isEqualTo(201);
    return d;
  }

  @Test
  void putManifestChecksBlobsTypeAndAnswersLocationAndDigest() throws IOException {
    byte[] config = "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = "layer-bytes".getBytes(StandardCharsets.UTF_8);
    Digest c = upload("app-2", config);
    String manifest = ociManifest(c, config.length, Digest.sha256(layer), layer.length);
    byte[] mbytes = manifest.getBytes(StandardCharsets.UTF_8);

    RawHttp.Response missing =
        call("PUT", "/v2/app-2/manifests/put-1", mbytes, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(errorCode(missing)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    assertThat(json(missing).path("errors").path(0).path("detail").asText())
        .isEqualTo(Digest.sha256(layer).toString());

    upload("app-2", layer);
    RawHttp.Response wrongType =
        call(
            "PUT", "/v2/app-2/manifests/put-1", mbytes, "Content-Type", MediaTypes.DOCKER_MANIFEST);
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(errorCode(wrongType)).isEqualTo("MANIFEST_INVALID");

    RawHttp.Response notJson =
        call(
            "PUT",
            "/v2/app-2/manifests/put-1",
            "{not json".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            MediaTypes.OCI_MANIFEST);
    assertThat(errorCode(notJson)).isEqualTo("MANIFEST_INVALID");

    RawHttp.Response ok =
        call("PUT", "/v2/app-2/manifests/put-1", mbytes, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThat(ok.status()).isEqualTo(201);
    Digest expected = Digest.sha256(mbytes);
    assertThat(ok.header("Docker-Content-Digest")).contains(expected.toString());
    assertThat(ok.header("Location")).contains(base + "/v2/app-2/manifests/" + expected);
    assertThat(fly.hasManifest("app-2", "put-1")).isTrue();
  }

  @Test
  void putManifestNeedsAManifestContentTypeLikeDistribution() throws IOException {
    byte[] config = "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = "ct-layer".getBytes(StandardCharsets.UTF_8);
    Digest c = upload("app-2", config);
    Digest l = upload("app-2", layer);
    byte[] oci = ociManifest(c, config.length, l, layer.length).getBytes(StandardCharsets.UTF_8);

    RawHttp.Response none = call("PUT", "/v2/app-2/manifests/ct-1", oci);
    assertThat(none.status()).isEqualTo(400);
    assertThat(errorCode(none)).isEqualTo("MANIFEST_INVALID");
    assertThat(json(none).path("errors").path(0).path("detail").asText())
        .contains("no Content-Type");
    for (String generic : List.of("application/json", "application/json; charset=utf-8")) {
      RawHttp.Response r = call("PUT", "/v2/app-2/manifests/ct-1", oci, "Content-Type", generic);
      assertThat(r.status()).isEqualTo(400);
      assertThat(errorCode(r)).isEqualTo("MANIFEST_INVALID");
    }
    assertThat(fly.hasManifest("app-2", "ct-1")).isFalse();

    // without a mediaType in the body: the OCI parser takes it, the Docker one does not
    byte[] untyped =
        new String(oci, StandardCharsets.UTF_8)
            .replace("\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",", "")
            .getBytes(StandardCharsets.UTF_8);
    RawHttp.Response docker =
        call(
            "PUT", "/v2/app-2/manifests/ct-1", untyped, "Content-Type", MediaTypes.DOCKER_MANIFEST);
    assertThat(docker.status()).isEqualTo(400);
    assertThat(errorCode(docker)).isEqualTo("MANIFEST_INVALID");
    RawHttp.Response ociOk =
        call("PUT", "/v2/app-2/manifests/ct-1", untyped, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThat(ociOk.status()).isEqualTo(201);
  }

  @Test
  void putManifestByDigestVerifiesTheDigest() throws IOException {
    EmulatedImage image = fly.pushImage("app-2", null, MediaTypes.OCI_MANIFEST, new byte[] {1, 2});
    byte[] bytes = image.manifestJson().getBytes(StandardCharsets.UTF_8);
    Digest other = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    RawHttp.Response bad =
        call("PUT", "/v2/app-2/manifests/" + other, bytes, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(errorCode(bad)).isEqualTo("DIGEST_INVALID");
    RawHttp.Response good =
        call(
            "PUT",
            "/v2/app-2/manifests/" + image.digest(),
            bytes,
            "Content-Type",
            MediaTypes.OCI_MANIFEST);
    assertThat(good.status()).isEqualTo(201);
  }

  @Test
  void invalidTagIsTagInvalid() throws IOException {
    RawHttp.Response r =
        call(
            "PUT",
            "/v2/app-2/manifests/.bad",
            "{}".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            MediaTypes.OCI_MANIFEST);
    assertThat(r.status()).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("TAG_INVALID");
  }

  @Test
  void deleteManifestByDigestOnlyLikeDistribution() throws IOException {
    EmulatedImage image = fly.pushImage("app-2", "to-delete");
    RawHttp.Response byTag = call("DELETE", "/v2/app-2/manifests/to-delete", null);
    assertThat(byTag.status()).isEqualTo(400);
    assertThat(errorCode(byTag)).isEqualTo("DIGEST_INVALID");
    RawHttp.Response byDigest = call("DELETE", "/v2/app-2/manifests/" + image.digest(), null);
    assertThat(byDigest.status()).isEqualTo(202);
    assertThat(fly.hasManifest("app-2", "to-delete")).isFalse();
    RawHttp.Response again = call("DELETE", "/v2/app-2/manifests/" + image.digest(), null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(errorCode(again)).isEqualTo("MANIFEST_UNKNOWN");
  }

  // ------------------------------------------------------------------ blobs and uploads

  @Test
  void blobHeadGetAndRange() throws IOException {
    byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
    Digest d = fly.putBlob("app-1", content);
    RawHttp.Response head = call("HEAD", "/v2/app-1/blobs/" + d, null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).contains("10");
    assertThat(head.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(head.body()).isEmpty();
    RawHttp.Response get = call("GET", "/v2/app-1/blobs/" + d, null);
    assertThat(get.body()).isEqualTo(content);
    RawHttp.Response range = call("GET", "/v2/app-1/blobs/" + d, null, "Range", "bytes=2-4");
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.text()).isEqualTo("234");
    assertThat(range.header("Content-Range")).contains("bytes 2-4/10");
    RawHttp.Response beyond = call("GET", "/v2/app-1/blobs/" + d, null, "Range", "bytes=20-");
    assertThat(beyond.status()).isEqualTo(416);

    RawHttp.Response otherRepo = call("HEAD", "/v2/app-3/blobs/" + d, null);
    assertThat(otherRepo.status()).isEqualTo(404);
    RawHttp.Response unknown = call("GET", "/v2/app-3/blobs/" + d, null);
    assertThat(errorCode(unknown)).isEqualTo("BLOB_UNKNOWN");
  }

  @Test
  void chunkedUploadWithContentRangeStatusAndGapRejection() throws IOException {
    byte[] content = "hello chunked world".getBytes(StandardCharsets.UTF_8);
    RawHttp.Response post = call("POST", "/v2/app-1/blobs/uploads/", null);
    assertThat(post.status()).isEqualTo(202);
    assertThat(post.header("Range")).contains("0-0");
    assertThat(post.header("Docker-Upload-UUID")).isPresent();
    assertThat(post.header("Content-Length")).contains("0");
    String location = post.header("Location").orElseThrow();
    assertThat(location).startsWith(base + "/v2/app-1/blobs/uploads/");

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
    location = p1.header("Location").orElseThrow();

    RawHttp.Response gap =
        call("PATCH", location, Arrays.copyOfRange(content, 8, 10), "Content-Range", "8-9");
    assertThat(gap.status()).isEqualTo(416);
    assertThat(gap.header("Range")).contains("0-4");

    RawHttp.Response status = call("GET", location, null);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).contains("0-4");

    RawHttp.Response p2 =
        call(
            "PATCH",
            location,
            Arrays.copyOfRange(content, 5, content.length),
            "Content-Range",
            "5-" + (content.length - 1));
    assertThat(p2.status()).isEqualTo(202);
    Digest d = Digest.sha256(content);
    RawHttp.Response put = call("PUT", p2.header("Location").orElseThrow() + "&digest=" + d, null);
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(put.header("Location")).contains(base + "/v2/app-1/blobs/" + d);
    assertThat(call("GET", "/v2/app-1/blobs/" + d, null).body()).isEqualTo(content);
  }

  @Test
  void uploadDigestMismatchIsDigestInvalidAndEndsTheSession() throws IOException {
    RawHttp.Response post = call("POST", "/v2/app-1/blobs/uploads/", null);
    String location = post.header("Location").orElseThrow();
    Digest wrong = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    RawHttp.Response put =
        call("PUT", location + "&digest=" + wrong, "content".getBytes(StandardCharsets.UTF_8));
    assertThat(put.status()).isEqualTo(400);
    assertThat(errorCode(put)).isEqualTo("DIGEST_INVALID");
    assertThat(call("GET", location, null).status()).isEqualTo(404);
    RawHttp.Response noDigest =
        call(
            "PUT",
            call("POST", "/v2/app-1/blobs/uploads/", null).header("Location").orElseThrow(),
            new byte[] {1});
    assertThat(errorCode(noDigest)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void uploadSessionNeedsItsStateAndCanBeCancelled() throws IOException {
    RawHttp.Response post = call("POST", "/v2/app-1/blobs/uploads/", null);
    String location = post.header("Location").orElseThrow();
    String uuid = post.header("Docker-Upload-UUID").orElseThrow();
    RawHttp.Response withoutState = call("GET", base + "/v2/app-1/blobs/uploads/" + uuid, null);
    assertThat(withoutState.status()).isEqualTo(404);
    assertThat(errorCode(withoutState)).isEqualTo("BLOB_UPLOAD_INVALID");
    assertThat(call("DELETE", location, null).status()).isEqualTo(204);
    RawHttp.Response gone = call("PATCH", location, new byte[] {1, 2});
    assertThat(gone.status()).isEqualTo(404);
    assertThat(errorCode(gone)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void aLocationFromBeforeAPatchIsStaleLikeDistribution() throws IOException {
    RawHttp.Response post = call("POST", "/v2/app-1/blobs/uploads/", null);
    String first = post.header("Location").orElseThrow();
    RawHttp.Response patch = call("PATCH", first, "abc".getBytes(StandardCharsets.UTF_8));
    assertThat(patch.status()).isEqualTo(202);
    String second = patch.header("Location").orElseThrow();
    assertThat(second).isNotEqualTo(first);

    RawHttp.Response stalePatch = call("PATCH", first, "def".getBytes(StandardCharsets.UTF_8));
    assertThat(stalePatch.status()).isEqualTo(404);
    assertThat(errorCode(stalePatch)).isEqualTo("BLOB_UPLOAD_INVALID");
    byte[] all = "abc".getBytes(StandardCharsets.UTF_8);
    RawHttp.Response stalePut = call("PUT", first + "&digest=" + Digest.sha256(all), null);
    assertThat(stalePut.status()).isEqualTo(404);
    assertThat(errorCode(stalePut)).isEqualTo("BLOB_UPLOAD_INVALID");
    String tampered = second.substring(0, second.length() - 2) + "xx";
    assertThat(errorCode(call("GET", tampered, null))).isEqualTo("BLOB_UPLOAD_INVALID");

    // the refused requests leave the session as it was: the latest Location still works
    RawHttp.Response status = call("GET", second, null);
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.header("Range")).contains("0-2");
    RawHttp.Response put = call("PUT", second + "&digest=" + Digest.sha256(all), null);
    assertThat(put.status()).isEqualTo(201);
    assertThat(call("GET", "/v2/app-1/blobs/" + Digest.sha256(all), null).body()).isEqualTo(all);
  }

  @Test
  void postWithDigestIsNotASingleRequestUploadLikeDistribution() {
    byte[] content = "single".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(content);
    RawHttp.Response r = call("POST", "/v2/app-1/blobs/uploads/?digest=" + d, content);
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.header("Range")).contains("0-0");
    assertThat(call("HEAD", "/v2/app-1/blobs/" + d, null).status()).isEqualTo(404);
  }

  @Test
  void mountWithinTheOrganizationMovesNoBytes() {
    byte[] layer = new byte[4096];
    new java.util.Random(7).nextBytes(layer);
    Digest d = fly.putBlob("app-1", layer);
    long before = fly.metrics().blobBytesReceived("app-3");
    RawHttp.Response r = call("POST", "/v2/app-3/blobs/uploads/?mount=" + d + "&from=app-1", null);
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("Docker-Content-Digest")).contains(d.toString());
    assertThat(r.header("Location")).contains(base + "/v2/app-3/blobs/" + d);
    assertThat(call("HEAD", "/v2/app-3/blobs/" + d, null).status()).isEqualTo(200);
    assertThat(fly.metrics().blobBytesReceived("app-3")).isEqualTo(before);
  }

  @Test
  void mountFromAnotherOrganizationOrOfAMissingBlobOpensASession() {
    Digest foreign = fly.putBlob("foreign", "secret layer".getBytes(StandardCharsets.UTF_8));
    RawHttp.Response r =
        call("POST", "/v2/app-3/blobs/uploads/?mount=" + foreign + "&from=foreign", null);
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.header("Docker-Upload-UUID")).isPresent();
    Digest missing = Digest.sha256("missing".getBytes(StandardCharsets.UTF_8));
    r = call("POST", "/v2/app-3/blobs/uploads/?mount=" + missing + "&from=app-1", null);
    assertThat(r.status()).isEqualTo(202);
    assertThat(call("HEAD", "/v2/app-3/blobs/" + foreign, null).status()).isEqualTo(404);
  }

  @Test
  void uploadedBytesAreCounted() {
    long before = fly.metrics().blobBytesReceived("app-2");
    upload("app-2", new byte[777]);
    assertThat(fly.metrics().blobBytesReceived("app-2") - before).isEqualTo(777);
    assertThat(fly.metrics().requests("PUT", "/v2/{name}/blobs/uploads/{uuid}")).isPositive();
  }

  @Test
  void relativeLocationsWhenConfigured() {
    try (FlyEmulator relative = FlyEmulator.builder().relativeLocations(true).start()) {
      relative.createOrganization("o");
      String t = relative.createToken("o");
      relative.createApp("o", "a");
      RawHttp.Response r =
          send(
              "POST",
              relative.registryUrl() + "/v2/a/blobs/uploads/",
              (byte[]) null,
              "Authorization",
              basic(t));
      assertThat(r.header("Location"))
          .hasValueSatisfying(l -> assertThat(l).startsWith("/v2/a/blobs/uploads/"));
    }
  }

  // ------------------------------------------------------------------ tags

  @Test
  void tagListPaginatesWithLinkHeader() throws IOException {
    EmulatedImage image = fly.pushImage("app-3", "t-a");
    for (String t : List.of("t-b", "t-c", "t-d", "t-e")) {
      fly.tag("app-3", t, image.digest());
    }
    RawHttp.Response all = call("GET", "/v2/app-3/tags/list", null);
    assertThat(all.status()).isEqualTo(200);
    assertThat(json(all).path("name").asText()).isEqualTo("app-3");
    assertThat(all.header("Link")).isEmpty();

    java.util.List<String> seen = new java.util.ArrayList<>();
    String next = "/v2/app-3/tags/list?n=2";
    int pages = 0;
    while (next != null) {
      RawHttp.Response page = call("GET", next, null);
      assertThat(page.status()).isEqualTo(200);
      json(page).path("tags").forEach(t -> seen.add(t.asText()));
      pages++;
      next =
          page.header("Link")
              .map(l -> l.substring(l.indexOf('<') + 1, l.indexOf('>')))
              .orElse(null);
      if (next != null) {
        assertThat(page.header("Link").get()).endsWith("; rel=\"next\"");
      }
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly("t-a", "t-b", "t-c", "t-d", "t-e");
    assertThat(json(call("GET", "/v2/app-3/tags/list?n=2&last=t-c", null)).path("tags").toString())
        .isEqualTo("[\"t-d\",\"t-e\"]");
    RawHttp.Response badN = call("GET", "/v2/app-3/tags/list?n=x", null);
    assertThat(errorCode(badN)).isEqualTo("PAGINATION_NUMBER_INVALID");
  }

  @Test
  void tagListOfAnAppWithoutImagesIsNameUnknown() throws IOException {
    fly.createApp("acme", "empty-app");
    RawHttp.Response r = call("GET", "/v2/empty-app/tags/list", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(errorCode(r)).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void requestsAreCountedByRoute() {
    long before = fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}");
    call("HEAD", "/v2/app-1/manifests/whatever", null, "Accept", ACCEPT_ALL);
    call("HEAD", "/v2/app-2/manifests/other", null, "Accept", ACCEPT_ALL);
    assertThat(fly.metrics().requests("HEAD", "/v2/{name}/manifests/{reference}") - before)
        .isEqualTo(2);
    assertThat(fly.metrics().requestLog()).contains("HEAD /v2/app-2/manifests/other");
  }
}
