package dev.flyregistry.graphql.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.graphql.GraphqlAuthException;
import dev.flyregistry.graphql.GraphqlError;
import dev.flyregistry.graphql.GraphqlException;
import dev.flyregistry.graphql.GraphqlProtocolException;
import dev.flyregistry.graphql.GraphqlTransportException;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.http.Excerpts;
import dev.flyregistry.internal.http.HttpClients;
import dev.flyregistry.internal.http.IoFailures;
import dev.flyregistry.internal.http.Redaction;
import dev.flyregistry.internal.http.RetryExecutor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends GraphQL documents to one endpoint and turns the answer into a {@code data} tree or a typed
 * exception. Queries are retried on 429 (honouring {@code Retry-After}), 502, 503 and I/O errors;
 * documents that may mutate are never repeated once their request was sent. Thread-safe.
 */
public final class GraphqlTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GraphqlTransport.class);

  /** Statuses retried for queries. */
  public static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 502, 503);

  /** How much of an error body a transport exception keeps. */
  public static final int ERROR_BODY_BYTES = 2048;

  /** How much of a malformed body a protocol exception shows. */
  private static final int SNIPPET_CHARS = 200;

  /** Error codes that mean the token was refused. */
  private static final Set<String> AUTH_CODES = Set.of("UNAUTHORIZED", "UNAUTHENTICATED");

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final HttpUrl endpoint;
  private final String endpointForMessages;
  private final FlyToken token;
  private final Scrubber scrubber;
  private final HttpSettings http;
  private final OkHttpClient client;
  private final RetryExecutor executor;
  private final long maxResponseBytes;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The parsed answer of a successful request. */
  public record Result(ObjectNode data, Map<String, Object> extensions) {}

  /**
   * @param endpoint the GraphQL URL
   * @param token the token sent in {@code Authorization}
   * @param http HTTP settings; their retry statuses are narrowed to 429, 502 and 503
   * @param maxResponseBytes the largest response body accepted
   */
  public GraphqlTransport(
      HttpUrl endpoint, FlyToken token, HttpSettings http, long maxResponseBytes) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.endpointForMessages = Redaction.url(endpoint);
    this.token = Objects.requireNonNull(token, "token");
    this.scrubber = new Scrubber(token);
    this.http = http.withRetry(http.retry().withRetryableStatuses(RETRYABLE_STATUSES));
    // No redirects: a GraphQL POST is never meant to move, and the token must not follow it.
    this.client = HttpClients.create(this.http).newBuilder().followRedirects(false).build();
    this.executor = new RetryExecutor(client, this.http);
    this.maxResponseBytes = maxResponseBytes;
  }

  /** The endpoint as shown in messages. */
  public String endpointForMessages() {
    return endpointForMessages;
  }

  /** The settings in effect (with the narrowed retry statuses). */
  public HttpSettings http() {
    return http;
  }

  /**
   * Posts a document and returns its {@code data}.
   *
   * @param document the GraphQL document
   * @param variables the variables (may be empty)
   * @param operationName the operation to run, or null
   * @param label what the request is for, used in messages ({@code "releases of app 'x'"})
   * @throws GraphqlException when {@code errors[]} is not empty
   * @throws GraphqlAuthException on HTTP 401 or an {@code UNAUTHORIZED} error
   * @throws GraphqlTransportException on another non-2xx status or an I/O error
   * @throws GraphqlProtocolException when the body is not a GraphQL response
   */
  public Result post(
      String document, Map<String, ?> variables, String operationName, String label) {
    Objects.requireNonNull(document, "document");
    if (document.isBlank()) {
      throw new IllegalArgumentException("GraphQL document must not be blank");
    }
    if (closed.get()) {
      throw new IllegalStateException("GraphqlClient is closed");
    }
    ObjectNode envelope = JsonValues.MAPPER.createObjectNode();
    envelope.put("query", document);
    envelope.set("variables", JsonValues.variables(variables));
    if (operationName != null) {
      envelope.put("operationName", operationName);
    }
    byte[] body = JsonValues.write(envelope).getBytes(StandardCharsets.UTF_8);
    boolean mutation = Operations.mayMutate(document);
    RetryExecutor.Mode mode =
        mutation ? RetryExecutor.Mode.NOT_AFTER_SEND : RetryExecutor.Mode.IDEMPOTENT;
    String what =
        "GraphQL "
            + (mutation ? "mutation" : "query")
            + " ("
            + label
            + ") to "
            + endpointForMessages;

    Raw raw;
    try {
      raw =
          executor.execute(
              () ->
                  new Request.Builder()
                      .url(endpoint)
                      .header("Authorization", token.apiAuthorization())
                      .header("Accept", "application/json")
                      .post(new JsonBody(body, mutation))
                      .build(),
              mode,
              response -> read(response, what));
    } catch (InterruptedIOException e) {
      // A deadline (call timeout: "timeout"; read timeout: SocketTimeoutException) is not an
      // interruption of the caller's thread; only restore the flag when the thread was interrupted.
      if ("interrupted".equals(e.getMessage())) {
        Thread.currentThread().interrupt();
      }
      throw new GraphqlTransportException(
          what + " failed: " + scrubber.scrub(IoFailures.describe(e)), e);
    } catch (IOException e) {
      throw new GraphqlTransportException(
          what + " failed: " + scrubber.scrub(IoFailures.describe(e)), e);
    }
    LOG.debug("{} answered HTTP {} ({} bytes)", what, raw.status, raw.body.length);
    return interpret(raw, what);
  }

  private record Raw(int status, String contentType, byte[] body) {}

  private Raw read(Response response, String what) throws IOException {
    int status = response.code();
    ResponseBody rb = response.body();
    String contentType = rb.contentType() == null ? "" : rb.contentType().toString();
    if (status == 401) {
      throw new GraphqlAuthException(
          what
              + " was refused with HTTP 401: the Fly token (from "
              + token.source()
              + ") is invalid or expired",
          401,
          errorsOf(readAtMost(rb.source(), ERROR_BODY_BYTES)));
    }
    if (status < 200 || status > 299) {
      byte[] head = readAtMost(rb.source(), ERROR_BODY_BYTES);
      String text = scrubber.scrub(new String(head, StandardCharsets.UTF_8));
      List<GraphqlError> errors = errorsOf(head);
      String detail =
          errors.isEmpty()
              ? (text.isBlank() ? "" : ": " + oneLine(text))
              : ": " + errors.get(0).describe();
      String retryAfter = response.header("Retry-After");
      String hint =
          status == 429
              ? "; rate limited by the server"
                  + (retryAfter == null ? "" : " (Retry-After: " + oneLine(retryAfter) + ")")
              : "";
      throw new GraphqlTransportException(
          what + " failed with HTTP " + status + detail + hint, status, text, errors);
    }
    byte[] bytes = readAtMost(rb.source(), maxResponseBytes + 1);
    if (bytes.length > maxResponseBytes) {
      throw new GraphqlProtocolException(
          what + " returned a body larger than " + maxResponseBytes + " bytes");
    }
    return new Raw(status, contentType, bytes);
  }

  private static byte[] readAtMost(BufferedSource source, long limit) throws IOException {
    Buffer buffer = new Buffer();
    while (buffer.size() < limit) {
      long n = source.read(buffer, Math.min(8192, limit - buffer.size()));
      if (n == -1) {
        break;
      }
    }
    return buffer.readByteArray();
  }

  /** Best effort: the {@code errors[]} of an error body, empty when it has none or is not JSON. */
  private List<GraphqlError> errorsOf(byte[] body) {
    try {
      JsonNode root = JsonValues.MAPPER.readTree(body);
      if (root != null && root.isObject() && root.path("errors").isArray()) {
        return parseErrors(root.get("errors"), "errors");
      }
    } catch (IOException | GraphqlProtocolException e) {
      // Not a GraphQL body (or truncated): the text is kept instead.
    }
    return List.of();
  }

  private Result interpret(Raw raw, String what) {
    if (raw.body.length == 0) {
      throw new GraphqlProtocolException(
          what + " returned an empty body (HTTP " + raw.status + ")");
    }
    JsonNode root;
    try {
      root = JsonValues.MAPPER.readTree(raw.body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new GraphqlProtocolException(
          what
              + " returned malformed JSON"
              + where
              + " (HTTP "
              + raw.status
              + (raw.contentType.isEmpty() ? "" : ", " + raw.contentType)
              + "): "
              + e.getOriginalMessage()
              + "; body starts: "
              + snippet(raw.body),
          e);
    } catch (IOException e) {
      throw new GraphqlProtocolException(what + " returned an unreadable body: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new GraphqlProtocolException(
          what
              + " returned JSON that is not an object (HTTP "
              + raw.status
              + "); body starts: "
              + snippet(raw.body));
    }
    JsonNode data = root.get("data");
    JsonNode errorsNode = root.get("errors");
    List<GraphqlError> errors = List.of();
    if (errorsNode != null && !errorsNode.isNull()) {
      if (!errorsNode.isArray()) {
        throw new GraphqlProtocolException(
            what + " returned 'errors' that is not an array but " + errorsNode.getNodeType());
      }
      errors = parseErrors(errorsNode, "errors");
    }
    if (data != null && !data.isNull() && !data.isObject()) {
      throw new GraphqlProtocolException(
          what + " returned 'data' that is not an object but " + data.getNodeType());
    }
    ObjectNode dataObject = data != null && data.isObject() ? (ObjectNode) data : null;
    if (!errors.isEmpty()) {
      boolean auth =
          errors.stream().anyMatch(e -> e.code().filter(AUTH_CODES::contains).isPresent());
      if (auth) {
        throw new GraphqlAuthException(
            ErrorMessages.describe(
                what + " was refused: the Fly token (from " + token.source() + ")", errors),
            raw.status,
            errors);
      }
      throw new GraphqlException(
          ErrorMessages.describe(what, errors),
          errors,
          dataObject == null ? null : scrubbedMap(dataObject),
          dataObject == null ? null : scrubber.scrub(JsonValues.write(dataObject)));
    }
    if (dataObject == null) {
      throw new GraphqlProtocolException(
          what + " returned neither 'data' nor 'errors' (HTTP " + raw.status + ")");
    }
    JsonNode ext = root.get("extensions");
    Map<String, Object> extensions =
        ext != null && ext.isObject() ? JsonValues.toJavaMap(ext) : Map.of();
    return new Result(dataObject, extensions);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> scrubbedMap(ObjectNode node) {
    return (Map<String, Object>) scrubber.scrubDeep(JsonValues.toJavaMap(node));
  }

  /** What removes the token from text that goes into messages. */
  public Scrubber scrubber() {
    return scrubber;
  }

  private List<GraphqlError> parseErrors(JsonNode array, String path) {
    List<GraphqlError> out = new ArrayList<>(array.size());
    int i = 0;
    for (JsonNode e : array) {
      String at = path + "[" + i++ + "]";
      if (e.isTextual()) {
        out.add(GraphqlError.of(scrubber.scrub(e.textValue())));
        continue;
      }
      if (!e.isObject()) {
        throw new GraphqlProtocolException(
            "GraphQL error " + at + " is not an object but " + e.getNodeType());
      }
      JsonNode m = e.get("message");
      String message = m == null || m.isNull() ? "" : m.isTextual() ? m.textValue() : m.toString();
      List<Object> segments = new ArrayList<>();
      JsonNode p = e.get("path");
      if (p != null && p.isArray()) {
        for (JsonNode s : p) {
          if (s.isIntegralNumber() && s.canConvertToInt()) {
            segments.add(s.intValue());
          } else {
            segments.add(scrubber.scrub(s.asText()));
          }
        }
      }
      List<GraphqlError.Location> locations = new ArrayList<>();
      JsonNode l = e.get("locations");
      if (l != null && l.isArray()) {
        for (JsonNode loc : l) {
          if (loc.isObject()) {
            locations.add(
                new GraphqlError.Location(loc.path("line").asInt(0), loc.path("column").asInt(0)));
          }
        }
      }
      JsonNode ext = e.get("extensions");
      @SuppressWarnings("unchecked")
      Map<String, Object> extensions =
          ext != null && ext.isObject()
              ? (Map<String, Object>) scrubber.scrubDeep(JsonValues.toJavaMap(ext))
              : Map.of();
      out.add(new GraphqlError(scrubber.scrub(message), segments, locations, extensions));
    }
    return out;
  }

  /**
   * The start of a body for a message: the whole body is scrubbed first and only then shortened, so
   * that a token longer than the excerpt, or one straddling its end, leaves no prefix behind.
   */
  private String snippet(byte[] body) {
    return oneLine(new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Server text for a message: scrubbed whole, then one line of at most {@link #SNIPPET_CHARS}
   * ({@link Excerpts}).
   */
  private String oneLine(String s) {
    return Excerpts.oneLine(s, scrubber::scrub, SNIPPET_CHARS);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      HttpClients.shutdown(client, http);
    }
  }

  /** A JSON request body; one-shot for mutations so that OkHttp never replays it after sending. */
  private static final class JsonBody extends RequestBody {
    private final byte[] bytes;
    private final boolean oneShot;

    JsonBody(byte[] bytes, boolean oneShot) {
      this.bytes = bytes;
      this.oneShot = oneShot;
    }

    @Override
    public MediaType contentType() {
      return JSON;
    }

    @Override
    public long contentLength() {
      return bytes.length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.write(bytes);
    }

    @Override
    public boolean isOneShot() {
      return oneShot;
    }
  }
}
