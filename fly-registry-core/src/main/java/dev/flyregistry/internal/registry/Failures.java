package dev.flyregistry.internal.registry;

import dev.flyregistry.internal.http.IoFailures;
import dev.flyregistry.internal.http.Redaction;
import dev.flyregistry.internal.http.RetryAfter;
import dev.flyregistry.internal.http.RetryExecutor;
import dev.flyregistry.internal.http.Secrets;
import dev.flyregistry.registry.RateLimitedException;
import dev.flyregistry.registry.RegistryAuthenticationException;
import dev.flyregistry.registry.RegistryDeniedException;
import dev.flyregistry.registry.RegistryError;
import dev.flyregistry.registry.RegistryErrorCode;
import dev.flyregistry.registry.RegistryException;
import dev.flyregistry.registry.RegistryIoException;
import dev.flyregistry.registry.UnsafeRealmException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.Response;

/** Builds the typed registry exceptions with messages that say what, where and with what. */
public final class Failures {
  /** The credential source of a client that holds none for the registry. */
  public static final String NO_CREDENTIALS = "no credentials";

  private Failures() {}

  /**
   * Where a request went, for messages.
   *
   * @param registry the registry host ({@code host[:port]})
   * @param repository the repository, or null
   * @param credentialSource "credentials from X" or "no credentials"
   */
  public record Context(
      String registry, String repository, String credentialSource, Secrets secrets) {
    /** Checks for nulls. */
    public Context {
      Objects.requireNonNull(secrets, "secrets");
    }

    /** A context without secrets to scrub. */
    public Context(String registry, String repository, String credentialSource) {
      this(registry, repository, credentialSource, Secrets.NONE);
    }

    /** This context for another repository (same registry, credential and secrets). */
    public Context withRepository(String otherRepository) {
      return Objects.equals(otherRepository, repository)
          ? this
          : new Context(registry, otherRepository, credentialSource, secrets);
    }

    /** Whether the client holds no credential for the registry. */
    public boolean anonymous() {
      return credentialSource.equals(NO_CREDENTIALS);
    }

    /** {@code registry/repository} or just the registry. */
    public String where() {
      return repository == null ? registry : registry + "/" + repository;
    }

    /** Server text with every credential of this context replaced by {@code REDACTED}. */
    public String scrub(String text) {
      return secrets.scrub(text);
    }

    @Override
    public String toString() {
      return "Context[" + where() + ", " + credentialSource + "]";
    }
  }

  /**
   * The entries of an error body in the public form, scrubbed of the context's credentials and of
   * the credential the body's request carried (a bearer token the registry may echo).
   */
  public static List<RegistryError> errors(Context ctx, ErrorBody body) {
    Secrets secrets = body.secrets(ctx.secrets());
    return body.errors().stream()
        .map(
            e ->
                new RegistryError(
                    RegistryErrorCode.of(e.code()),
                    secrets.scrub(e.code()),
                    secrets.scrub(e.message()),
                    e.detailJson().map(secrets::scrub)))
        .toList();
  }

  /**
   * What the server said, for a message: scrubbed of the context's credentials and of the
   * credential the body's request carried, then shortened ({@link ErrorBody#describe(Secrets)}).
   */
  public static String describe(Context ctx, ErrorBody body) {
    return body.describe(ctx.secrets());
  }

  /** " (what the server said)", as {@link #describe(Context, ErrorBody)}, or "". */
  public static String suffix(Context ctx, ErrorBody body) {
    String d = describe(ctx, body);
    return d.isEmpty() ? "" : " (" + d + ")";
  }

  /**
   * Maps a final non-success response to the typed exception: 401 → authentication, 403 or {@code
   * DENIED} → denied, 429 → rate limited, else the base type. Reads the (bounded) error body.
   *
   * @param operation what was attempted ("HEAD manifest registry.fly.io/app:v1")
   */
  public static RegistryException status(
      Context ctx, String operation, Response response, Clock clock) {
    ErrorBody body = ErrorBody.read(response);
    return status(ctx, operation, response, body, clock);
  }

  /** As {@link #status(Context, String, Response, Clock)} with a body already read. */
  public static RegistryException status(
      Context ctx, String operation, Response response, ErrorBody body, Clock clock) {
    int code = response.code();
    String message =
        operation
            + ": "
            + code
            + " from "
            + ctx.registry()
            + " with "
            + ctx.credentialSource()
            + suffix(ctx, body);
    List<RegistryError> errors = errors(ctx, body);
    if (code == 401) {
      return new RegistryAuthenticationException(
          message, noCredentialsAdvice(ctx), code, errors, ctx.registry(), ctx.repository(), null);
    }
    if (code == 403 || body.hasCode("DENIED")) {
      return new RegistryDeniedException(
          message, code, errors, ctx.registry(), ctx.repository(), null);
    }
    if (code == 429 || body.hasCode("TOOMANYREQUESTS")) {
      Optional<Duration> retryAfter = RetryAfter.parse(response.header("Retry-After"), clock);
      return new RateLimitedException(
          message
              + rateLimitOutcome(response)
              + retryAfter
                  .map(d -> ", the registry asks to wait " + d.getSeconds() + " s")
                  .orElse(""),
          retryAfter.orElse(null),
          code,
          errors,
          ctx.registry(),
          ctx.repository());
    }
    return new RegistryException(message, code, errors, ctx.registry(), ctx.repository(), null);
  }

  /**
   * What was tried before a rate-limit answer became final, from the attempt the executor tagged on
   * its request: a change is not repeated once sent, a read is repeated until its attempts run out.
   */
  static String rateLimitOutcome(Response response) {
    Optional<RetryExecutor.Attempt> tagged = RetryExecutor.Attempt.of(response);
    if (tagged.isEmpty()) {
      return "; rate limited";
    }
    RetryExecutor.Attempt a = tagged.get();
    if (a.mode() != RetryExecutor.Mode.IDEMPOTENT) {
      return "; rate limited, and not retried: the request changes state, and a change is not"
          + " repeated once sent";
    }
    if (a.maxAttempts() == 1) {
      return "; rate limited, and not retried: retries are off (maxAttempts 1)";
    }
    if (a.last()) {
      return "; still rate limited on attempt " + a.number() + " of " + a.maxAttempts();
    }
    return "; rate limited, and not retried: status "
        + response.code()
        + " is not one of the retryable statuses";
  }

  /** A network failure that persisted through the retries. */
  public static RegistryIoException io(Context ctx, String operation, IOException e) {
    return new RegistryIoException(
        operation + " (" + ctx.where() + "): " + IoFailures.describe(e),
        0,
        List.of(),
        ctx.registry(),
        ctx.repository(),
        e);
  }

  static RegistryException tokenServiceStatus(Context ctx, HttpUrl realm, Response response) {
    ErrorBody body = ErrorBody.read(response);
    int code = response.code();
    String message =
        "token request for "
            + ctx.where()
            + " at "
            + Redaction.url(realm)
            + ": "
            + code
            + " with "
            + ctx.credentialSource()
            + suffix(ctx, body);
    List<RegistryError> errors = errors(ctx, body);
    if (code == 401) {
      return new RegistryAuthenticationException(
          message, noCredentialsAdvice(ctx), code, errors, ctx.registry(), ctx.repository(), null);
    }
    if (code == 403) {
      return new RegistryDeniedException(
          message, code, errors, ctx.registry(), ctx.repository(), null);
    }
    if (code == 429) {
      return new RateLimitedException(
          message + rateLimitOutcome(response),
          null,
          code,
          errors,
          ctx.registry(),
          ctx.repository());
    }
    if (code >= 500) {
      return new RegistryException(message, code, errors, ctx.registry(), ctx.repository(), null);
    }
    return new RegistryAuthenticationException(
        message, code, errors, ctx.registry(), ctx.repository(), null);
  }

  /**
   * A redirect from the token service, which is never followed: the token request carries the
   * credential, and the SDK sends it only to the realm the registry named (after its checks).
   */
  static RegistryAuthenticationException tokenServiceRedirect(
      Context ctx, HttpUrl realm, Response response) {
    String location = response.header("Location");
    HttpUrl target = location == null ? null : response.request().url().resolve(location);
    String to =
        target != null
            ? " to " + Redaction.url(target)
            : location == null ? " without a Location" : " to an unparseable Location";
    return new RegistryAuthenticationException(
        "token request for "
            + ctx.where()
            + " at "
            + Redaction.url(realm)
            + " with "
            + ctx.credentialSource()
            + ": the token service redirected ("
            + response.code()
            + ")"
            + to
            + "; token requests do not follow redirects, so that the credentials go only to the"
            + " realm named by the registry's challenge",
        response.code(),
        List.of(),
        ctx.registry(),
        ctx.repository(),
        null);
  }

  static RegistryAuthenticationException tokenResponse(Context ctx, HttpUrl realm, String why) {
    return new RegistryAuthenticationException(
        "token service at "
            + Redaction.url(realm)
            + " (for "
            + ctx.where()
            + ", "
            + ctx.credentialSource()
            + ") sent an unusable answer: "
            + why,
        200,
        List.of(),
        ctx.registry(),
        ctx.repository(),
        null);
  }

  /**
   * For a refusal of a client without credentials: how to give it some (a client built without
   * {@code credentials(...)} is anonymous), as the exception's {@link RegistryException#advice()};
   * null when the client has credentials for the registry.
   */
  static String noCredentialsAdvice(Context ctx) {
    if (!ctx.anonymous()) {
      return null;
    }
    return "the client has no credentials for "
        + ctx.registry()
        + ": build it with credentials(Credentials.defaultChain()) (the Fly token, then docker's"
        + " config.json) or credentials(Credentials.fly(token))";
  }

  static UnsafeRealmException unsafeRealm(Context ctx, String realm, String why) {
    return new UnsafeRealmException(
        "refusing the token service "
            + realm
            + " named by "
            + ctx.registry()
            + "'s challenge: "
            + why,
        401,
        List.of(),
        ctx.registry(),
        ctx.repository(),
        null);
  }

  /**
   * The registry's base {@code GET /v2/} answered 404: the host does not serve the distribution API
   * there (a web server, a wrong host or port). Without this the existence checks that follow would
   * all read 404 as "missing".
   */
  static RegistryException notARegistry(Context ctx, String operation, ErrorBody body) {
    return new RegistryException(
        operation
            + ": 404 from "
            + ctx.registry()
            + ": it does not serve the registry API (a registry answers GET /v2/ with 200 or"
            + " 401); check the registry's host and port"
            + suffix(ctx, body),
        404,
        errors(ctx, body),
        ctx.registry(),
        ctx.repository(),
        null);
  }

  /**
   * A {@code 401} from another origin than the registry's (reached through a redirect or a {@code
   * Link}): final, since that origin is sent no credentials and its challenge is not trusted.
   */
  static RegistryAuthenticationException foreignUnauthorized(
      Context ctx, String operation, HttpUrl url, ErrorBody body) {
    return new RegistryAuthenticationException(
        operation
            + ": 401 from "
            + url.scheme()
            + "://"
            + Hosts.authority(url)
            + ", another origin than the registry "
            + ctx.registry()
            + " (reached through a redirect or a Link header); the registry's credentials are"
            + " never sent there, nor is its challenge followed"
            + suffix(ctx, body),
        401,
        errors(ctx, body),
        ctx.registry(),
        ctx.repository(),
        null);
  }

  static RegistryAuthenticationException authentication(
      Context ctx, String operation, String why, ErrorBody body) {
    return new RegistryAuthenticationException(
        operation
            + ": 401 from "
            + ctx.registry()
            + " with "
            + ctx.credentialSource()
            + ": "
            + why
            + suffix(ctx, body),
        noCredentialsAdvice(ctx),
        401,
        errors(ctx, body),
        ctx.registry(),
        ctx.repository(),
        null);
  }
}
