package dev.flyregistry.benchmarks;

import dev.flyregistry.testing.OciLayout;
import dev.flyregistry.testing.TestImages.Blob;
import dev.flyregistry.testing.TestImages.ImageInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts images into a registry with plain HTTP (no SDK, no peer), so that every client reads the
 * same seeded data: the blobs of a layout image (POST, then PUT with the body), then its manifest
 * under many tags.
 */
final class Seeder {
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;
  private final String bearer; // null: no auth

  Seeder(URI base, String bearer) {
    this.base = base;
    this.bearer = bearer;
  }

  void pushImage(String repository, OciLayout layout, ImageInfo image, List<String> tags)
      throws IOException, InterruptedException {
    for (Blob blob : concat(image.config(), image.layers())) {
      uploadBlob(repository, blob.digest(), layout.blobPath(blob.digest()));
    }
    byte[] manifest = image.bytes();
    for (String tag : tags) {
      HttpResponse<String> r =
          send(
              request(base.resolve("/v2/" + repository + "/manifests/" + tag))
                  .header("Content-Type", image.mediaType())
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
      expect(r, 201, "PUT manifest " + repository + ":" + tag);
    }
  }

  private void uploadBlob(String repository, String digest, Path file)
      throws IOException, InterruptedException {
    HttpResponse<String> head =
        send(
            request(base.resolve("/v2/" + repository + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    if (head.statusCode() == 200) {
      return;
    }
    HttpResponse<String> post =
        send(
            request(base.resolve("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    expect(post, 202, "POST upload " + repository);
    String location = post.headers().firstValue("Location").orElseThrow();
    URI put = base.resolve(location);
    String sep = put.getRawQuery() == null ? "?" : "&";
    HttpResponse<String> done =
        send(
            request(URI.create(put + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(file)));
    expect(done, 201, "PUT blob " + digest + " to " + repository);
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest.Builder b)
      throws IOException, InterruptedException {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(HttpResponse<String> r, int status, String what) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(
          what + ": expected " + status + ", got " + r.statusCode() + ": " + r.body());
    }
  }

  private static List<Blob> concat(Blob first, List<Blob> rest) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream())
        .toList();
  }
}
