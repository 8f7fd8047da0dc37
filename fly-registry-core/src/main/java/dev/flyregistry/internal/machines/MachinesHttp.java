package dev.flyregistry.internal.machines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.http.Bodies;
import dev.flyregistry.internal.http.Excerpts;
import dev.flyregistry.internal.http.HttpClients;
import dev.flyregistry.internal.http.IoFailures;
import dev.flyregistry.internal.http.Redaction;
import dev.flyregistry.internal.http.RetryExecutor;
import dev.flyregistry.internal.http.RetryExecutor.Mode;
import dev.flyregistry.internal.http.Secrets;
import dev.flyregistry.machines.Machines;
import dev.flyregistry.machines.MachinesApiException;
import dev.flyregistry.machines.MachinesNotFoundException;
import dev.flyregistry.machines.RateLimit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;

/**
 * The HTTP layer of the Machines API client: the {@code Authorization} header, snake_case JSON
 * bodies, the client-side rate limit per action, retries (reads through {@link RetryExecutor} in
 * idempotent mode; mutations only when not sent, or when answered 429, in {@link
 * Mode#NOT_AFTER_SEND_OR_429}; either way within the one attempt budget of the settings) and the
 * mapping of {@code {"error", "status"}} answers to typed exceptions. Thread-safe.
 */
public final class MachinesHttp implements AutoCloseable {
  /** Header carrying a machine lease's nonce. */
  public static final String LEASE_NONCE_HEADER = "fly-machine-lease-nonce";

  /** Response header identifying the request at Fly. */
  public static final String REQUEST_ID_HEADER = "fly-request-id";

  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_ERROR_TEXT = 300;
  private static final int MAX_STATUS_TEXT = 100;

  /** The largest answer body read. */
  static final long MAX_ANSWER_BYTES = 16L * 1024 * 1024;

  /** One exchange: what to send and how it may be retried. */
  public record Call(
      String action, String method, HttpUrl url, Object body, String leaseNonce, Mode mode) {
    /** Checks the components. */
    public Call {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(mode, "mode");
    }

    /** A read without body. */
    public static Call get(String action, HttpUrl url) {
      return new Call(action, "GET", url, null, null, Mode.IDEMPOTENT);
    }

    /**
     * A mutation: never repeated once sent, except when answered 429 (the Machines API refused it,
     * it did not apply it).
     */
    public static Call mutate(String action, String method, HttpUrl url, Object body) {
      return new Call(action, method, url, body, null, Mode.NOT_AFTER_SEND_OR_429);
    }

    /** This call with the lease nonce header. */
    public Call withLease(String nonce) {
      return new Call(action, method, url, body, nonce, mode);
    }

    /** This call with another retry mode. */
    public Call withMode(Mode value) {
      return new Call(action, method, url, body, leaseNonce, value);
    }

    /** The call without its body or the lease nonce (a secret for as long as the lease lasts). */
    @Override
    public String toString() {
      return "Call["
          + action
          + " "
          + method
          + " "
          + url
          + (leaseNonce == null ? "" : ", with lease")
          + ", "
          + mode
          + "]";
    }
  }

  /** A successful answer. */
  public record Answer(int code, byte[] body, String requestId) {}

  private final HttpUrl endpoint;
  private final HttpUrl releasesEndpoint;
  private final String authorization;
  private final Secrets secrets;
  private final HttpSettings settings;
  private final OkHttpClient client;
  private final RetryExecutor executor;
  private final RetryExecutor longPollExecutor;
  private final ActionRateLimiter limiter;

  /** Wait calls get read and call timeouts beyond the longest wait, {@link Machines#MAX_WAIT}. */
  public MachinesHttp(
      HttpUrl endpoint,
      HttpUrl releasesEndpoint,
      FlyToken token,
      HttpSettings settings,
      RateLimit rateLimit) {
    this.endpoint = endpoint;
    this.releasesEndpoint = releasesEndpoint;
    this.authorization = token.apiAuthorization();
    List<String> parts = new ArrayList<>(token.macaroons());
    parts.addAll(token.userTokens());
    parts.add(token.registryPassword());
    this.secrets = Secrets.of(parts, 1);
    this.settings = settings;
    this.client = HttpClients.create(settings);
    // sends changes (Mode.NOT_AFTER_SEND_OR_429) with OkHttp's own repeats off: OkHttp would
    // re-send a change answered 408 (Fly's deadline, possibly after applying it) or cut off after
    // sending
    this.executor = new RetryExecutor(client, settings);
    Duration slack = Machines.MAX_WAIT.plusSeconds(15);
    // OkHttp repeats a request answered 408 on its own; for a wait, 408 is the answer (timed out).
    OkHttpClient.Builder longPoll = client.newBuilder().retryOnConnectionFailure(false);
    if (!settings.readTimeout().isZero() && settings.readTimeout().compareTo(slack) < 0) {
      longPoll.readTimeout(slack);
    }
    if (!settings.callTimeout().isZero() && settings.callTimeout().compareTo(slack) < 0) {
      longPoll.callTimeout(slack);
    }
    // A wait is a read, retried like one, except that 408 is its answer (the state was not reached
    // in time), not a transient failure.
    Set<Integer> transientForWaits = new TreeSet<>(settings.retry().retryableStatuses());
    transientForWaits.remove(408);
    this.longPollExecutor =
        new RetryExecutor(
            longPoll.build(),
            settings.withRetry(settings.retry().withRetryableStatuses(transientForWaits)));
    this.limiter = new ActionRateLimiter(rateLimit, settings.sleeper());
  }

  /** A URL under the Machines API base. */
  public HttpUrl.Builder api() {
    return endpoint.newBuilder();
  }

  /** A URL under the releases API base. */
  public HttpUrl.Builder releases() {
    return releasesEndpoint.newBuilder();
  }

  /** Sends a call. */
  public Answer send(Call call) {
    return send(call, executor, url -> url);
  }

  /**
   * Sends a long-polling call (the machine {@code wait}, whose URL carries its {@code timeout} in
   * seconds): with timeouts stretched beyond the longest wait, and, in idempotent mode, retried
   * like a read except on 408. A repeated attempt asks for what is left of {@code timeout} (at
   * least one second), so that retries do not stretch the wait much beyond it.
   */
  public Answer sendLongPoll(Call call, Duration timeout) {
    long start = System.nanoTime();
    return send(
        call,
        longPollExecutor,
        url -> {
          long leftMillis = timeout.toMillis() - (System.nanoTime() - start) / 1_000_000L;
          long seconds = Math.max(1, (leftMillis + 999) / 1000);
          return withQueryParameter(url, "timeout", Long.toString(seconds));
        });
  }

  /** The URL with the value of one query parameter replaced, keeping the parameters' order. */
  private static HttpUrl withQueryParameter(HttpUrl url, String name, String value) {
    HttpUrl.Builder b = url.newBuilder().query(null);
    for (int i = 0; i < url.querySize(); i++) {
      String n = url.queryParameterName(i);
      b.addQueryParameter(n, n.equals(name) ? value : url.queryParameterValue(i));
    }
    return b.build();
  }

  private Answer send(Call call, RetryExecutor ex, UnaryOperator<HttpUrl> urlOfAttempt) {
    byte[] body = call.body() == null ? null : write(call);
    Answer raw;
    try {
      // one budget: the executor counts connection failures and 429 answers alike, and each
      // attempt, a repeat included, waits for the action's rate limit
      raw =
          ex.execute(
              () -> {
                try {
                  limiter.acquire(call.action());
                } catch (InterruptedIOException e) {
                  throw new UncheckedIOException(e);
                }
                return request(call, urlOfAttempt.apply(call.url()), body);
              },
              call.mode(),
              response ->
                  new Answer(
                      response.code(),
                      readBounded(call, response.code(), response.body()),
                      requestId(response.header(REQUEST_ID_HEADER))));
    } catch (UncheckedIOException e) {
      throw new MachinesApiException(
          where(call) + ": interrupted", 0, null, null, null, e.getCause());
    } catch (IOException e) {
      if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
        throw new MachinesApiException(where(call) + ": interrupted", 0, null, null, null, e);
      }
      throw new MachinesApiException(
          where(call) + ": " + scrub(IoFailures.describe(e)), 0, null, null, null, e);
    }
    if (raw.code() >= 200 && raw.code() < 300) {
      return raw;
    }
    throw error(call, raw);
  }

  /**
   * Reads a body of at most {@link #MAX_ANSWER_BYTES}; a larger one is refused rather than held in
   * memory (no answer of this API comes near it).
   */
  private static byte[] readBounded(Call call, int code, ResponseBody rb) throws IOException {
    byte[] bytes = Bodies.readAtMost(rb, MAX_ANSWER_BYTES);
    if (bytes == null) {
      throw new MachinesApiException(
          where(call)
              + ": HTTP "
              + code
              + " with a body larger than "
              + MAX_ANSWER_BYTES
              + " bytes, refused",
          code,
          null,
          null,
          null,
          null);
    }
    return bytes;
  }

  private Request request(Call call, HttpUrl url, byte[] body) {
    Request.Builder b =
        new Request.Builder()
            .url(url)
            .header("Authorization", authorization)
            .header("Accept", "application/json");
    if (call.leaseNonce() != null) {
      b.header(LEASE_NONCE_HEADER, call.leaseNonce());
    }
    RequestBody rb = body == null ? null : RequestBody.create(body, JSON);
    if (rb == null && !call.method().equals("GET") && !call.method().equals("DELETE")) {
      rb = RequestBody.create(new byte[0], JSON);
    }
    return b.method(call.method(), rb).build();
  }

  private byte[] write(Call call) {
    try {
      return Json.MAPPER.writeValueAsBytes(call.body());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the body of " + where(call), e);
    }
  }

  /** Reads a successful answer's body as the given shape. */
  public <T> T read(Call call, Answer answer, Class<T> type) {
    try {
      T value = Json.MAPPER.readValue(answer.body(), type);
      if (value == null) {
        throw new MachinesApiException(
            where(call) + ": empty response body",
            answer.code(),
            null,
            null,
            answer.requestId(),
            null);
      }
      return value;
    } catch (IOException e) {
      throw new MachinesApiException(
          where(call) + ": unreadable response (" + e.getClass().getSimpleName() + ")",
          answer.code(),
          null,
          null,
          answer.requestId(),
          e);
    }
  }

  /** Reads a successful answer's body as a tree (an empty body reads as a missing node). */
  public JsonNode readTree(Call call, Answer answer) {
    try {
      return Json.MAPPER.readTree(answer.body());
    } catch (IOException e) {
      throw new MachinesApiException(
          where(call) + ": unreadable response (" + e.getClass().getSimpleName() + ")",
          answer.code(),
          null,
          null,
          answer.requestId(),
          e);
    }
  }

  /** Describes a call for messages: method and URL, without secrets. */
  public static String where(Call call) {
    return call.method() + " " + Redaction.url(call.url());
  }

  private MachinesApiException error(Call call, Answer raw) {
    String error = null;
    String status = null;
    try {
      JsonNode tree = Json.MAPPER.readTree(raw.body());
      if (tree != null && tree.isObject()) {
        Json.ErrorDto dto = Json.MAPPER.treeToValue(tree, Json.ErrorDto.class);
        error = dto.error();
        if (dto.status() != null && dto.status().isValueNode()) {
          status = dto.status().asText();
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // not JSON: fall back to the text below
    }
    if (error == null && raw.body().length > 0) {
      error = new String(raw.body(), StandardCharsets.UTF_8);
    }
    if (error != null) {
      error = Excerpts.oneLine(error, this::scrub, MAX_ERROR_TEXT);
      if (error.isEmpty()) {
        error = null;
      }
    }
    if (status != null) {
      status = Excerpts.oneLine(status, this::scrub, MAX_STATUS_TEXT);
      if (status.isEmpty()) {
        status = null;
      }
    }
    StringBuilder m = new StringBuilder(where(call)).append(": HTTP ").append(raw.code());
    if (status != null) {
      m.append(" (").append(status).append(')');
    }
    if (error != null) {
      m.append(": ").append(error);
    }
    if (raw.requestId() != null) {
      m.append(" [fly-request-id ").append(raw.requestId()).append(']');
    }
    MachinesApiException e =
        new MachinesApiException(m.toString(), raw.code(), status, error, raw.requestId(), null);
    return raw.code() == 404 ? new MachinesNotFoundException(e) : e;
  }

  /** The request id as it may be shown: without the token, printable, bounded; null if absent. */
  private String requestId(String header) {
    return header == null ? null : Excerpts.oneLine(header, this::scrub, MAX_STATUS_TEXT);
  }

  /** Removes every part of the token from a text that goes into a message. */
  String scrub(String text) {
    return secrets.scrub(text);
  }

  /** Runs a lookup, mapping 404 to empty. */
  public static <T> Optional<T> optional(java.util.function.Supplier<T> lookup) {
    try {
      return Optional.of(lookup.get());
    } catch (MachinesNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    HttpClients.shutdown(client, settings);
  }
}
