package dev.flyregistry.internal.http;

import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.http.Sleeper;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs HTTP exchanges with retries. The policy (attempt count, exponential random backoff) comes
 * from {@link RetrySettings} through a Resilience4j {@link IntervalFunction}; a {@code Retry-After}
 * header replaces the computed pause (capped). Pauses go through the injected {@link Sleeper}, so
 * tests run without waiting.
 *
 * <p>A thread interrupted during an exchange ends it at once with an {@link InterruptedIOException}
 * (its flag kept): a call blocked on the network is cancelled through the {@link InterruptWatch},
 * and nothing is retried or sent once the flag is up.
 *
 * <p>Thread-safe; one instance serves a whole client.
 */
public final class RetryExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(RetryExecutor.class);

  /** Whether an exchange may be repeated after its request was sent. */
  public enum Mode {
    /** Reads and other idempotent requests: retried on I/O errors and retryable statuses. */
    IDEMPOTENT,
    /**
     * Mutations: retried only when the connection could not be made, never after the request went
     * out.
     */
    NOT_AFTER_SEND,
    /**
     * Mutations of an API whose 429 means the request was refused, not applied (the Machines API):
     * as {@link #NOT_AFTER_SEND}, and also repeated when answered 429 (if 429 is a retryable
     * status). Connection failures and 429 answers draw on the same attempt budget.
     */
    NOT_AFTER_SEND_OR_429
  }

  /**
   * Tag of a request that streams a blob (a layer upload or download): the settings' overall call
   * timeout does not apply to it, since its duration depends on its size; connect, read and write
   * timeouts still do. Set with {@code requestBuilder.tag(Streaming.class, Streaming.BLOB)}.
   */
  public enum Streaming {
    /** A blob transfer. */
    BLOB
  }

  /**
   * Which attempt answered, tagged by {@link #execute} on the request of a final 429 response, so
   * that a handler mapping it to an error can say what was tried ({@link #of(Response)}).
   *
   * @param number the attempt, from 1
   * @param maxAttempts the attempts the settings allow
   * @param mode how the exchange may be repeated
   */
  public record Attempt(int number, int maxAttempts, Mode mode) {
    /** The attempt a response answered, if it came through {@link #execute}. */
    public static Optional<Attempt> of(Response response) {
      return Optional.ofNullable(response.request().tag(Attempt.class));
    }

    /** Whether no attempt is left after this one. */
    public boolean last() {
      return number >= maxAttempts;
    }
  }

  /**
   * Handles the final response of an exchange; may read the body (I/O errors there are retried).
   */
  @FunctionalInterface
  public interface ResponseHandler<T> {
    T handle(Response response) throws IOException;
  }

  private final OkHttpClient client;

  /**
   * {@link #client} with OkHttp's own repeats off, for {@link Mode#NOT_AFTER_SEND}: OkHttp re-sends
   * a request whose reused connection failed after it was written, and one answered 408, which a
   * change must not be (this executor alone decides when to repeat it). Shares the client's pool.
   */
  private final OkHttpClient mutationClient;

  private final RetrySettings settings;
  private final Sleeper sleeper;
  private final Clock clock;
  private final IntervalFunction backoff;
  private final InterruptWatch interrupts;

  public RetryExecutor(OkHttpClient client, HttpSettings http) {
    this.interrupts = InterruptWatch.SHARED;
    this.client = client;
    this.mutationClient =
        client.retryOnConnectionFailure()
            ? client.newBuilder().retryOnConnectionFailure(false).build()
            : client;
    this.settings = http.retry();
    this.sleeper = http.sleeper();
    this.clock = http.clock();
    this.backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            settings.initialBackoff(),
            settings.multiplier(),
            settings.jitter(),
            settings.maxBackoff());
  }

  public OkHttpClient client() {
    return client;
  }

  public RetrySettings settings() {
    return settings;
  }

  /**
   * Sends requests made by {@code request} until one gives a response that is not retryable or the
   * attempts run out, then passes that response to {@code handler} and closes it. The handler sees
   * the last response even when its status was retryable (so that it can map it to a typed error).
   *
   * @throws IOException the last I/O error when every attempt failed with one
   */
  public <T> T execute(Supplier<Request> request, Mode mode, ResponseHandler<T> handler)
      throws IOException {
    int attempt = 1;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted");
      }
      Request req = request.get();
      Call call = (mode == Mode.IDEMPOTENT ? client : mutationClient).newCall(req);
      if (req.tag(Streaming.class) != null) {
        call.timeout().clearTimeout();
      }
      // one watch for the whole attempt: sending, and reading the answer in the handler
      try (InterruptWatch.Watched watched = interrupts.watch(call)) {
        Response response;
        try {
          response = call.execute();
        } catch (IOException e) {
          throwIfInterrupted(e);
          if (!canRetry(e, mode, attempt)) {
            throw e;
          }
          pause(attempt, Either.left(e), Optional.empty(), req, "I/O error: " + e);
          attempt++;
          continue;
        }
        int code = response.code();
        if (settings.isRetryable(code)
            && (mode == Mode.IDEMPOTENT || (mode == Mode.NOT_AFTER_SEND_OR_429 && code == 429))
            && attempt < settings.maxAttempts()) {
          Optional<Duration> retryAfter = RetryAfter.parse(response.header("Retry-After"), clock);
          response.close();
          pause(attempt, Either.right(code), retryAfter, req, "status " + code);
          attempt++;
          continue;
        }
        // only a final 429's message says what was tried: the copy stays off the common path
        try (Response last =
            code == 429
                ? withAttempt(response, new Attempt(attempt, settings.maxAttempts(), mode))
                : response) {
          return handler.handle(last);
        } catch (IOException e) {
          throwIfInterrupted(e);
          if (!canRetry(e, mode, attempt) || mode != Mode.IDEMPOTENT) {
            throw e;
          }
          pause(attempt, Either.left(e), Optional.empty(), req, "I/O error reading body: " + e);
          attempt++;
        }
      }
    }
  }

  /** {@code response} with its request tagged by {@code attempt} (the body is the same). */
  private static Response withAttempt(Response response, Attempt attempt) {
    Request tagged = response.request().newBuilder().tag(Attempt.class, attempt).build();
    return response.newBuilder().request(tagged).build();
  }

  /**
   * An I/O error on an interrupted thread is the interrupt's doing (the watch cancelled the call,
   * or Okio saw the flag): it ends the exchange as an {@link InterruptedIOException}, never
   * retried.
   */
  private static void throwIfInterrupted(IOException e) throws InterruptedIOException {
    if (!Thread.currentThread().isInterrupted()) {
      return;
    }
    if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
      throw (InterruptedIOException) e;
    }
    InterruptedIOException interrupted = new InterruptedIOException("interrupted");
    interrupted.initCause(e);
    throw interrupted;
  }

  private boolean canRetry(IOException e, Mode mode, int attempt) {
    if (attempt >= settings.maxAttempts()) {
      return false;
    }
    if (e instanceof SSLHandshakeException || e instanceof UnknownHostException) {
      return false;
    }
    if (mode != Mode.IDEMPOTENT) {
      return e instanceof ConnectException || e instanceof NoRouteToHostException;
    }
    return true;
  }

  private void pause(
      int attempt,
      Either<Throwable, Integer> cause,
      Optional<Duration> retryAfter,
      Request req,
      String why)
      throws IOException {
    Duration wait =
        retryAfter
            .map(d -> d.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : d)
            .orElseGet(() -> Duration.ofMillis(backoff.apply(attempt)));
    LOG.debug(
        "retrying {} {} after {} ms (attempt {} of {}): {}",
        req.method(),
        Redaction.url(req.url()),
        wait.toMillis(),
        attempt + 1,
        settings.maxAttempts(),
        why);
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      InterruptedIOException e = new InterruptedIOException("interrupted while waiting to retry");
      e.initCause(ie);
      throw e;
    }
  }
}
