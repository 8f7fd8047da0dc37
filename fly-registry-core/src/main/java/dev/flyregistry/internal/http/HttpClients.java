package dev.flyregistry.internal.http;

import dev.flyregistry.http.HttpSettings;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the OkHttp client of one SDK client family from {@link HttpSettings}. */
public final class HttpClients {
  private static final Logger LOG = LoggerFactory.getLogger(HttpClients.class);

  private HttpClients() {}

  /**
   * A client with the settings' timeouts and {@code User-Agent}; its calls keep the {@link
   * WatchdogSentinel} armed, so that their timeouts do not wake OkHttp's watchdog thread, and
   * responses' media types are parsed once per distinct {@code Content-Type} ({@link
   * ContentTypes}). Derived from the caller's client when one was given (sharing its pool),
   * otherwise with a pool of its own sized for bulk operations.
   */
  public static OkHttpClient create(HttpSettings settings) {
    OkHttpClient.Builder b;
    if (settings.okHttpClient().isPresent()) {
      b = settings.okHttpClient().get().newBuilder();
    } else {
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(Math.max(64, settings.maxConcurrency()));
      dispatcher.setMaxRequestsPerHost(Math.max(5, settings.maxConcurrency()));
      b =
          new OkHttpClient.Builder()
              .dispatcher(dispatcher)
              .connectionPool(pool(Math.max(5, settings.maxConcurrency())));
    }
    String userAgent = settings.userAgent();
    long sentinelPeriod =
        WatchdogSentinel.periodFor(
            settings.callTimeout(), settings.readTimeout(), settings.writeTimeout());
    return b.connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .writeTimeout(settings.writeTimeout())
        .callTimeout(settings.callTimeout())
        .retryOnConnectionFailure(true)
        .addNetworkInterceptor(new ContentTypes())
        .addInterceptor(
            chain -> {
              WatchdogSentinel.INSTANCE.touch(sentinelPeriod);
              if (chain.request().header("User-Agent") != null) {
                return chain.proceed(chain.request());
              }
              return chain.proceed(
                  chain.request().newBuilder().header("User-Agent", userAgent).build());
            })
        .build();
  }

  /**
   * The OkHttp versions {@link PoolTaskRunner} is written for: the minor version the BOM names. It
   * implements an interface of OkHttp's internal API, which another minor version may change.
   */
  static final String QUIET_POOL_OKHTTP = "5.5.";

  /** The version of the OkHttp on the class path, or null when it does not say. */
  private static final String OKHTTP_VERSION = okHttpVersion();

  /**
   * A pool of at most {@code maxIdle} idle connections kept for 5 minutes, whose upkeep does not
   * wake a thread after each request ({@link PoolTaskRunner}); a plain OkHttp pool when the OkHttp
   * on the class path is not a version that runner is written for ({@link #QUIET_POOL_OKHTTP}) or
   * lacks the internal API it needs.
   */
  static ConnectionPool pool(int maxIdle) {
    if (quietPoolFits(OKHTTP_VERSION)) {
      try {
        return PoolTaskRunner.pool(maxIdle, 5);
      } catch (LinkageError e) {
        LOG.debug("OkHttp's task runner API is not available: using a plain connection pool", e);
      }
    } else {
      LOG.debug(
          "OkHttp {} is not {}x: using a plain connection pool", OKHTTP_VERSION, QUIET_POOL_OKHTTP);
    }
    return new ConnectionPool(maxIdle, 5, TimeUnit.MINUTES);
  }

  /** Whether {@link PoolTaskRunner} is written for this OkHttp version. */
  static boolean quietPoolFits(String okHttpVersion) {
    return okHttpVersion != null && okHttpVersion.startsWith(QUIET_POOL_OKHTTP);
  }

  /**
   * {@code okhttp3.OkHttp.VERSION} of the OkHttp on the class path, read when the program runs (a
   * compiler may copy a constant into this class), or null when it cannot be read.
   */
  static String okHttpVersion() {
    try {
      Object version = Class.forName("okhttp3.OkHttp").getField("VERSION").get(null);
      return version instanceof String s ? s : null;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** Releases a client's threads and connections, unless it shares the caller's pool. */
  public static void shutdown(OkHttpClient client, HttpSettings settings) {
    if (settings.okHttpClient().isPresent()) {
      return;
    }
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
