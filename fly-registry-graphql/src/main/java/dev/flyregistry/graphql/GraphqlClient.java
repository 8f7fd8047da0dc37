package dev.flyregistry.graphql;

import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.graphql.internal.FlyQueries;
import dev.flyregistry.graphql.internal.GraphqlTransport;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.registry.ImageReference;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Client for Fly's GraphQL API ({@code https://api.fly.io/graphql}): releases and the image
 * references of past deploys, image resolution, app name availability, and a generic {@link
 * #execute(String, Map)} for any other document.
 *
 * <p>Requests are {@code POST}s of {@code {"query", "variables"[, "operationName"]}} with {@code
 * Authorization} from {@link FlyToken#apiAuthorization()} ({@code FlyV1} for macaroons, else {@code
 * Bearer}). Queries are retried on HTTP 429 (honouring {@code Retry-After}), 502, 503 and I/O
 * errors per the {@link HttpSettings}' retry policy; a document holding a mutation is never
 * repeated once its request was sent.
 *
 * <p>Errors: {@link GraphqlException} for {@code errors[]} (every entry, plus partial data), {@link
 * AppNotFoundException} for an unknown app, {@link GraphqlAuthException} for a refused token,
 * {@link GraphqlTransportException} for other HTTP statuses and I/O failures, {@link
 * GraphqlProtocolException} for answers that are not valid GraphQL responses.
 *
 * <p>Thread-safe; build one and share it. Close it to release its connections.
 *
 * <pre>{@code
 * try (GraphqlClient fly = GraphqlClient.builder().token(FlyToken.fromEnvironment()).build()) {
 *   List<Release> last25 = fly.releases().list("my-app", 25);
 *   List<ImageReference> images = fly.releases().imageRefs("my-app");
 * }
 * }</pre>
 */
public final class GraphqlClient implements AutoCloseable {
  /** Fly's GraphQL endpoint. */
  public static final String DEFAULT_ENDPOINT = "https://api.fly.io/graphql";

  /** The largest response body accepted by default (32 MiB). */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

  private final GraphqlTransport transport;
  private final FlyQueries queries;
  private final Releases releases;
  private final String endpoint;

  private GraphqlClient(Builder b) {
    this.transport = new GraphqlTransport(b.endpoint, b.token, b.http, b.maxResponseBytes);
    this.queries = new FlyQueries(transport);
    this.releases = new Releases(queries, transport.http().maxConcurrency());
    this.endpoint = transport.endpointForMessages();
  }

  /**
   * Starts a builder.
   *
   * @return a builder with the default endpoint and {@link HttpSettings#defaults()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The app release queries.
   *
   * @return the releases API of this client
   */
  public Releases releases() {
    return releases;
  }

  /**
   * Runs any GraphQL document.
   *
   * @param document the document ({@code query ...} or {@code mutation ...})
   * @param variables its variables: {@code String}, {@code Number}, {@code Boolean}, {@code Enum},
   *     {@code java.time} values, {@code UUID}, {@code Map}, {@code Collection}, arrays, {@code
   *     Optional} and {@code null}; may be empty
   * @return the {@code data} of the response
   * @throws GraphqlException when {@code errors[]} is not empty
   * @throws GraphqlAuthException when the token is refused
   * @throws GraphqlTransportException on HTTP or I/O failures
   * @throws GraphqlProtocolException when the answer is not a GraphQL response
   * @throws IllegalArgumentException when a variable has an unsupported type
   */
  public GraphqlResponse execute(String document, Map<String, ?> variables) {
    return queries.execute(document, variables, null);
  }

  /**
   * Runs one operation of a document that holds several.
   *
   * @param document the document
   * @param variables its variables (see {@link #execute(String, Map)})
   * @param operationName the operation to run
   * @return the {@code data} of the response
   * @throws GraphqlException when {@code errors[]} is not empty
   */
  public GraphqlResponse execute(String document, Map<String, ?> variables, String operationName) {
    return queries.execute(
        document, variables, Objects.requireNonNull(operationName, "operationName"));
  }

  /**
   * Resolves an image reference for an app the way {@code fly deploy --image} checks it ({@code
   * app(name) { image(ref) { ... } }}).
   *
   * @param app the app name
   * @param ref the image reference, such as {@code registry.fly.io/my-app:v1}
   * @return the image, empty when Fly does not find it
   * @throws AppNotFoundException when the app does not exist or the token cannot see it
   */
  public Optional<AppImage> resolveImage(String app, String ref) {
    return queries.resolveImage(app, ref);
  }

  /**
   * Whether an app name is free ({@code appNameAvailable}).
   *
   * @param name the candidate name
   * @return whether an app could be created with it
   */
  public boolean appNameAvailable(String name) {
    return queries.appNameAvailable(name);
  }

  /**
   * The image the app's current release runs ({@code currentReleaseUnprocessed.imageRef}), parsed
   * as {@link Release#imageReference()} does. {@link Releases#current(String)} gives the whole
   * release, with the API's text.
   *
   * @param app the app name
   * @return the image reference, empty when the app has no release, the release names no image, or
   *     its text is not a valid reference
   * @throws AppNotFoundException when the app does not exist or the token cannot see it
   */
  public Optional<ImageReference> currentImage(String app) {
    return queries.currentRelease(app).flatMap(Release::imageReference);
  }

  /**
   * @return the endpoint this client posts to
   */
  public String endpoint() {
    return endpoint;
  }

  /** Releases the client's connections and threads (unless they belong to a caller's client). */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "GraphqlClient{endpoint=" + endpoint + ", closed=" + transport.isClosed() + '}';
  }

  /** Configures a {@link GraphqlClient}. Not thread-safe; {@link #build()} may be called often. */
  public static final class Builder {
    private FlyToken token;
    private HttpUrl endpoint = HttpUrl.get(DEFAULT_ENDPOINT);
    private HttpSettings http = HttpSettings.defaults();
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

    private Builder() {}

    /**
     * The token sent with every request (required).
     *
     * @param value the token
     * @return this builder
     */
    public Builder token(FlyToken value) {
      this.token = Objects.requireNonNull(value, "token");
      return this;
    }

    /**
     * The GraphQL endpoint. Must be {@code https}, except for loopback hosts (tests, emulators).
     *
     * @param value the URL, such as {@code https://api.fly.io/graphql}
     * @return this builder
     * @throws IllegalArgumentException when the URL is invalid or plain {@code http} to a remote
     *     host
     */
    public Builder endpoint(String value) {
      Objects.requireNonNull(value, "endpoint");
      HttpUrl url = HttpUrl.parse(value);
      if (url == null) {
        throw new IllegalArgumentException(
            "GraphQL endpoint is not an http(s) URL: '" + value + "'");
      }
      if (!url.username().isEmpty() || !url.password().isEmpty()) {
        throw new IllegalArgumentException("GraphQL endpoint must not contain user info");
      }
      if (!url.isHttps() && !isLoopback(url.host())) {
        throw new IllegalArgumentException(
            "GraphQL endpoint must use https (plain http only to loopback hosts): " + url.host());
      }
      this.endpoint = url;
      return this;
    }

    /**
     * The GraphQL endpoint (see {@link #endpoint(String)}).
     *
     * @param value the URL
     * @return this builder
     */
    public Builder endpoint(URI value) {
      return endpoint(Objects.requireNonNull(value, "endpoint").toString());
    }

    /**
     * HTTP settings (timeouts, retries, user agent, concurrency, own OkHttp client). Only 429, 502
     * and 503 are retried as statuses, whatever {@link dev.flyregistry.http.RetrySettings} lists.
     *
     * @param value the settings
     * @return this builder
     */
    public Builder http(HttpSettings value) {
      this.http = Objects.requireNonNull(value, "http");
      return this;
    }

    /**
     * The largest response body accepted; larger answers fail with {@link
     * GraphqlProtocolException}.
     *
     * @param bytes at least 1 KiB
     * @return this builder
     */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024, was " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * Builds the client.
     *
     * @return a new client
     * @throws IllegalStateException when no token was set
     */
    public GraphqlClient build() {
      if (token == null) {
        throw new IllegalStateException(
            "a Fly token is required: call token(FlyToken.fromEnvironment()) or token(FlyToken.parse(...))");
      }
      return new GraphqlClient(this);
    }

    private static boolean isLoopback(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      if (h.equals("localhost") || h.endsWith(".localhost")) {
        return true;
      }
      // Only literal addresses: never resolve a name here.
      if (h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || h.contains(":")) {
        try {
          return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
          return false;
        }
      }
      return false;
    }
  }
}
