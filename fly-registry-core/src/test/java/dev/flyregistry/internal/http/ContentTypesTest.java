package dev.flyregistry.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.http.HttpSettings;
import java.io.IOException;
import java.net.InetAddress;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContentTypesTest {
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private final MockWebServer server = new MockWebServer();
  private OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
    client = HttpClients.create(HttpSettings.defaults());
  }

  @AfterEach
  void stop() throws IOException {
    HttpClients.shutdown(client, HttpSettings.defaults());
    server.close();
  }

  private void answer(String contentType, String body) {
    MockResponse.Builder b = new MockResponse.Builder().body(body);
    if (contentType != null) {
      b.setHeader("Content-Type", contentType);
    }
    server.enqueue(b.build());
  }

  private Response get() throws IOException {
    return client
        .newCall(new Request.Builder().url(server.url("/v2/app/manifests/v1")).build())
        .execute();
  }

  @Test
  void theBodyKeepsItsBytesHeadersAndLengthWithTheParsedType() throws IOException {
    answer(MANIFEST + "; charset=utf-8", "{\"schemaVersion\":2}");
    try (Response r = get()) {
      assertThat(r.header("Content-Type")).isEqualTo(MANIFEST + "; charset=utf-8");
      assertThat(r.body().contentType()).isEqualTo(MediaType.get(MANIFEST + "; charset=utf-8"));
      assertThat(r.body().contentLength()).isEqualTo(19);
      assertThat(r.body().string()).isEqualTo("{\"schemaVersion\":2}");
    }
  }

  @Test
  void aTypeIsParsedOnceAndSharedByLaterResponses() throws IOException {
    answer(MANIFEST, "a");
    answer(MANIFEST, "b");
    MediaType first;
    MediaType second;
    try (Response r = get()) {
      first = r.body().contentType();
      assertThat(r.body().string()).isEqualTo("a");
    }
    try (Response r = get()) {
      second = r.body().contentType();
      assertThat(r.body().string()).isEqualTo("b");
    }
    assertThat(first).isNotNull().isSameAs(second);
  }

  @Test
  void aValueThatIsNoMediaTypeGivesNoTypeAndKeepsTheHeader() throws IOException {
    answer("not a media type", "x");
    try (Response r = get()) {
      assertThat(r.body().contentType()).isNull();
      assertThat(r.header("Content-Type")).isEqualTo("not a media type");
      assertThat(r.body().string()).isEqualTo("x");
    }
  }

  @Test
  void aResponseWithoutContentTypeIsLeftAlone() throws IOException {
    answer(null, "");
    try (Response r = get()) {
      assertThat(r.header("Content-Type")).isNull();
      assertThat(r.body().contentType()).isNull();
    }
  }

  @Test
  void theCacheStopsGrowingAtItsBound() {
    ContentTypes types = new ContentTypes();
    for (int i = 0; i < ContentTypes.MAX_TYPES + 10; i++) {
      assertThat(types.parse("multipart/mixed; boundary=b" + i))
          .isEqualTo(MediaType.get("multipart/mixed; boundary=b" + i));
    }
    assertThat(types.cachedTypes()).isEqualTo(ContentTypes.MAX_TYPES);
    // a type seen after the bound is still parsed, each time
    assertThat(types.parse("text/plain")).isEqualTo(MediaType.get("text/plain"));
    assertThat(types.cachedTypes()).isEqualTo(ContentTypes.MAX_TYPES);
  }
}
