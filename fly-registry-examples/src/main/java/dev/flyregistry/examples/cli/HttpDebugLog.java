package dev.flyregistry.examples.cli;

import dev.flyregistry.internal.http.Redaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@code --debug}: logs each HTTP exchange on the wire (method, URL, status, headers, time) to
 * stderr. Secrets never appear: URLs go through {@link Redaction#url}, and the values of {@code
 * Authorization}, cookies, lease nonces and any header naming a token, secret or password are
 * replaced by {@code REDACTED}. Bodies are not logged (token responses carry tokens).
 */
final class HttpDebugLog implements Interceptor {
  private static final Set<String> SECRET_HEADERS =
      Set.of(
          "authorization",
          "proxy-authorization",
          "cookie",
          "set-cookie",
          "fly-machine-lease-nonce",
          "x-registry-auth");

  private final PrintWriter err;

  HttpDebugLog(PrintWriter err) {
    this.err = err;
  }

  static boolean isSecret(String headerName) {
    String n = headerName.toLowerCase(Locale.ROOT);
    return SECRET_HEADERS.contains(n)
        || n.contains("token")
        || n.contains("secret")
        || n.contains("password")
        || n.contains("api-key")
        || n.contains("apikey");
  }

  static String headers(Headers headers) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      b.append("    ")
          .append(name)
          .append(": ")
          .append(isSecret(name) ? "REDACTED" : headers.value(i))
          .append('\n');
    }
    return b.toString();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    String url = Redaction.url(request.url());
    log("--> " + request.method() + " " + url + "\n" + headers(request.headers()));
    long start = System.nanoTime();
    Response response;
    try {
      response = chain.proceed(request);
    } catch (IOException e) {
      log("<-- " + request.method() + " " + url + " failed: " + e);
      throw e;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    log(
        "<-- "
            + response.code()
            + " "
            + request.method()
            + " "
            + url
            + " ("
            + ms
            + " ms)\n"
            + headers(response.headers()));
    return response;
  }

  private void log(String text) {
    synchronized (err) {
      err.print(text.endsWith("\n") ? text : text + "\n");
      err.flush();
    }
  }
}
