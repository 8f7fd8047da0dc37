package dev.flyregistry.internal.http;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * A network interceptor that parses each distinct {@code Content-Type} once per client.
 *
 * <p>OkHttp's cache interceptor asks every network response's body for its media type, even when no
 * cache is configured. The body parses its {@code Content-Type} header with regular expressions
 * each time it is asked. A registry answers with a handful of distinct types, so for a client
 * making thousands of small requests that parse is a fixed cost on every request: about a tenth of
 * the SDK's CPU time per manifest check in a profile of {@code existsAll} at concurrency 1. This
 * interceptor gives the body a media type parsed once. It changes nothing else: the headers stay as
 * they were, and the body's bytes and length come from the original body.
 *
 * <p>The cache stops taking types at {@value #MAX_TYPES} (a few more when threads meet new types at
 * the same moment), so a server that sends ever-changing types (a boundary parameter, say) costs
 * what it did before and no more memory.
 */
final class ContentTypes implements Interceptor {
  static final int MAX_TYPES = 64;

  /** Parsed types by header value; empty when OkHttp cannot parse the value. */
  private final ConcurrentHashMap<String, Optional<MediaType>> parsed = new ConcurrentHashMap<>();

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    String header = response.header("Content-Type");
    if (header == null) {
      return response;
    }
    MediaType type = parse(header);
    return response.newBuilder().body(new Typed(response.body(), type)).build();
  }

  /** The media type of a {@code Content-Type} value, or null when it is not one. */
  MediaType parse(String header) {
    Optional<MediaType> known = parsed.get(header);
    if (known == null) {
      known = Optional.ofNullable(MediaType.parse(header));
      if (parsed.size() < MAX_TYPES) {
        parsed.putIfAbsent(header, known);
      }
    }
    return known.orElse(null);
  }

  int cachedTypes() {
    return parsed.size();
  }

  /** The original body, with a media type parsed beforehand. */
  private static final class Typed extends ResponseBody {
    private final ResponseBody body;
    private final MediaType type;

    Typed(ResponseBody body, MediaType type) {
      this.body = body;
      this.type = type;
    }

    @Override
    public MediaType contentType() {
      return type;
    }

    @Override
    public long contentLength() {
      return body.contentLength();
    }

    @Override
    public BufferedSource source() {
      return body.source();
    }

    @Override
    public void close() {
      body.close();
    }
  }
}
