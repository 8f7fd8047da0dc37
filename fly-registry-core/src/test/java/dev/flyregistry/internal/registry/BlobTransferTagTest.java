package dev.flyregistry.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;

class BlobTransferTagTest {
  private static Request req(String method, String path) {
    RequestBody body =
        method.equals("GET") || method.equals("HEAD")
            ? null
            : RequestBody.create(new byte[0], MediaType.get("application/octet-stream"));
    return new Request.Builder().url("https://r.example" + path).method(method, body).build();
  }

  @Test
  void blobDownloadsAndUploadsAreExemptFromTheCallDeadline() {
    assertThat(RegistryTransport.isBlobTransfer(req("GET", "/v2/app/blobs/sha256:ab"))).isTrue();
    assertThat(RegistryTransport.isBlobTransfer(req("PATCH", "/v2/app/blobs/uploads/u1"))).isTrue();
    assertThat(RegistryTransport.isBlobTransfer(req("PUT", "/v2/app/blobs/uploads/u1"))).isTrue();
  }

  @Test
  void uploadsToLocationsOutsideBlobsAreExemptWhenLargeOrStreamed() {
    Request big =
        new Request.Builder()
            .url("https://r.example/upload/u1?digest=sha256:ab")
            .put(RequestBody.create(new byte[2 * 1024 * 1024], MediaType.get("application/x")))
            .build();
    assertThat(RegistryTransport.isBlobTransfer(big)).isTrue();
    assertThat(RegistryTransport.isBlobTransfer(req("PATCH", "/upload/u1"))).isTrue();
    assertThat(RegistryTransport.isBlobTransfer(req("PUT", "/upload/u1?digest=x"))).isFalse();
  }

  @Test
  void everythingElseKeepsTheDeadline() {
    assertThat(RegistryTransport.isBlobTransfer(req("HEAD", "/v2/app/blobs/sha256:ab"))).isFalse();
    assertThat(RegistryTransport.isBlobTransfer(req("POST", "/v2/app/blobs/uploads/"))).isFalse();
    assertThat(RegistryTransport.isBlobTransfer(req("GET", "/v2/app/manifests/v1"))).isFalse();
    assertThat(RegistryTransport.isBlobTransfer(req("PUT", "/v2/app/manifests/v1"))).isFalse();
    assertThat(RegistryTransport.isBlobTransfer(req("GET", "/v2/blobsy/tags/list"))).isFalse();
  }
}
