package dev.flyregistry.internal.http;

import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/** Renders URLs and values for logs and messages without secrets. */
public final class Redaction {
  private static final Set<String> SECRET_PARAMS =
      Set.of(
          "access_token",
          "refresh_token",
          "token",
          "password",
          "client_secret",
          "x-amz-signature",
          "x-amz-credential",
          "x-amz-security-token",
          "signature",
          "sig",
          "_state");

  private Redaction() {}

  /** The URL without user info, with secret-looking query values replaced by {@code REDACTED}. */
  public static String url(HttpUrl url) {
    HttpUrl.Builder b = url.newBuilder().username("").password("");
    for (String name : url.queryParameterNames()) {
      if (SECRET_PARAMS.contains(name.toLowerCase(Locale.ROOT))) {
        b.setQueryParameter(name, "REDACTED");
      }
    }
    return b.build().toString();
  }
}
