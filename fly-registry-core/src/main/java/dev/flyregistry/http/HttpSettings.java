package dev.flyregistry.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * HTTP settings shared by every client of the SDK: timeouts, retries, the {@code User-Agent}, the
 * clock and sleeper (injectable for tests), and optionally the caller's own {@link OkHttpClient}
 * (its connection pool, proxy and TLS settings are then used as they are).
 *
 * <p>Instances are immutable and thread-safe; the {@code with*} methods return modified copies.
 *
 * <pre>{@code
 * HttpSettings http = HttpSettings.defaults().withTimeout(Duration.ofSeconds(20));
 * }</pre>
 */
public final class HttpSettings {
  /**
   * The default deadline of one HTTP exchange (request sent, response read): 2 minutes. Blob
   * transfers, whose length depends on the image, are exempt; read and write timeouts still catch a
   * stalled transfer.
   */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(2);

  /** The longest timeout OkHttp accepts: {@link Integer#MAX_VALUE} milliseconds. */
  private static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  private static final HttpSettings DEFAULTS =
      new HttpSettings(
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          DEFAULT_CALL_TIMEOUT,
          "fly-registry-java/" + SdkVersion.VERSION,
          RetrySettings.defaults(),
          Clock.systemUTC(),
          Sleeper.SYSTEM,
          null,
          64);

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final Duration callTimeout;
  private final String userAgent;
  private final RetrySettings retry;
  private final Clock clock;
  private final Sleeper sleeper;
  private final OkHttpClient okHttpClient;
  private final int maxConcurrency;

  private HttpSettings(
      Duration connectTimeout,
      Duration readTimeout,
      Duration writeTimeout,
      Duration callTimeout,
      String userAgent,
      RetrySettings retry,
      Clock clock,
      Sleeper sleeper,
      OkHttpClient okHttpClient,
      int maxConcurrency) {
    this.connectTimeout = nonNegative(connectTimeout, "connectTimeout");
    this.readTimeout = nonNegative(readTimeout, "readTimeout");
    this.writeTimeout = nonNegative(writeTimeout, "writeTimeout");
    this.callTimeout = nonNegative(callTimeout, "callTimeout");
    this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new IllegalArgumentException("userAgent must be printable ASCII and not blank");
    }
    this.retry = Objects.requireNonNull(retry, "retry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.okHttpClient = okHttpClient;
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          "maxConcurrency must be at least 1, was " + maxConcurrency);
    }
    this.maxConcurrency = maxConcurrency;
  }

  /**
   * A timeout: zero (none), or whole milliseconds as OkHttp counts them, at least 1 ms (a shorter
   * one would round to zero, that is to no timeout at all) and at most {@link #MAX_TIMEOUT}.
   */
  private static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    if (!d.isZero() && d.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(name + " must be zero (none) or at least 1 ms, was " + d);
    }
    if (d.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          name + " must be at most " + MAX_TIMEOUT + " (or zero for none), was " + d);
    }
    return d;
  }

  /**
   * The defaults: connect 10 s, read and write 30 s, a {@linkplain #DEFAULT_CALL_TIMEOUT 2-minute
   * deadline} per exchange (blob transfers exempt), {@link RetrySettings#defaults()}, the system
   * clock, a blocking sleeper, 64 concurrent requests per client.
   *
   * @return the default settings
   */
  public static HttpSettings defaults() {
    return DEFAULTS;
  }

  /** A mutable copy of these settings, for the {@code with*} methods. */
  private final class Draft {
    Duration connect = connectTimeout;
    Duration read = readTimeout;
    Duration write = writeTimeout;
    Duration call = callTimeout;
    String ua = userAgent;
    RetrySettings retrySettings = retry;
    Clock clockValue = clock;
    Sleeper sleeperValue = sleeper;
    OkHttpClient ok = okHttpClient;
    int concurrency = maxConcurrency;

    HttpSettings build() {
      return new HttpSettings(
          connect, read, write, call, ua, retrySettings, clockValue, sleeperValue, ok, concurrency);
    }
  }

  private HttpSettings with(java.util.function.Consumer<Draft> change) {
    Draft d = new Draft();
    change.accept(d);
    return d.build();
  }

  /**
   * Sets the connect, read and write timeouts at once.
   *
   * @param timeout the timeout; zero means none
   * @return a modified copy
   */
  public HttpSettings withTimeout(Duration timeout) {
    return with(
        d -> {
          d.connect = timeout;
          d.read = timeout;
          d.write = timeout;
        });
  }

  /**
   * @param timeout the connect timeout; zero means none
   * @return a modified copy
   */
  public HttpSettings withConnectTimeout(Duration timeout) {
    return with(d -> d.connect = timeout);
  }

  /**
   * @param timeout the longest wait for the next bytes of a response; zero means none
   * @return a modified copy
   */
  public HttpSettings withReadTimeout(Duration timeout) {
    return with(d -> d.read = timeout);
  }

  /**
   * @param timeout the longest wait to send the next bytes of a request; zero means none
   * @return a modified copy
   */
  public HttpSettings withWriteTimeout(Duration timeout) {
    return with(d -> d.write = timeout);
  }

  /**
   * Sets the deadline of one HTTP exchange, from sending the request to reading the end of the
   * response: a server that trickles bytes slowly enough to defeat the read timeout is cut off
   * here. Each retry attempt gets its own deadline. Blob transfers (layer uploads and downloads)
   * are exempt, since their duration depends on their size.
   *
   * @param timeout the longest a single HTTP exchange may take in total; zero means none (not
   *     recommended: a slow server can then hold a call for ever)
   * @return a modified copy
   */
  public HttpSettings withCallTimeout(Duration timeout) {
    return with(d -> d.call = timeout);
  }

  /**
   * @param value the {@code User-Agent} header sent with every request
   * @return a modified copy
   */
  public HttpSettings withUserAgent(String value) {
    return with(d -> d.ua = value);
  }

  /**
   * @param value how transient failures are retried
   * @return a modified copy
   */
  public HttpSettings withRetry(RetrySettings value) {
    return with(d -> d.retrySettings = value);
  }

  /**
   * @param value the clock used for token expiry and {@code Retry-After} dates
   * @return a modified copy
   */
  public HttpSettings withClock(Clock value) {
    return with(d -> d.clockValue = value);
  }

  /**
   * @param value what waits between retry attempts
   * @return a modified copy
   */
  public HttpSettings withSleeper(Sleeper value) {
    return with(d -> d.sleeperValue = value);
  }

  /**
   * Uses the caller's own OkHttp client (proxy, TLS, connection pool, interceptors). The SDK
   * derives its clients from it with {@link OkHttpClient#newBuilder()}, so they share its
   * connection pool; the timeouts of these settings are applied to the derived clients.
   *
   * @param value the client to derive from
   * @return a modified copy
   */
  public HttpSettings withOkHttpClient(OkHttpClient value) {
    return with(d -> d.ok = Objects.requireNonNull(value, "okHttpClient"));
  }

  /**
   * @param value the most requests one client runs at once in bulk operations
   * @return a modified copy
   */
  public HttpSettings withMaxConcurrency(int value) {
    return with(d -> d.concurrency = value);
  }

  /**
   * @return the connect timeout (zero: none)
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return the read timeout (zero: none)
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /**
   * @return the write timeout (zero: none)
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * @return the overall timeout of one HTTP exchange, blob transfers exempt (zero: none)
   */
  public Duration callTimeout() {
    return callTimeout;
  }

  /**
   * @return the {@code User-Agent} header value
   */
  public String userAgent() {
    return userAgent;
  }

  /**
   * @return the retry settings
   */
  public RetrySettings retry() {
    return retry;
  }

  /**
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * @return the sleeper
   */
  public Sleeper sleeper() {
    return sleeper;
  }

  /**
   * @return the caller's OkHttp client, if one was given
   */
  public Optional<OkHttpClient> okHttpClient() {
    return Optional.ofNullable(okHttpClient);
  }

  /**
   * @return the most requests one client runs at once in bulk operations
   */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  @Override
  public String toString() {
    return "HttpSettings{connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", writeTimeout="
        + writeTimeout
        + ", callTimeout="
        + callTimeout
        + ", userAgent="
        + userAgent
        + ", retry="
        + retry
        + ", maxConcurrency="
        + maxConcurrency
        + ", customOkHttpClient="
        + (okHttpClient != null)
        + '}';
  }
}
