package dev.flyregistry.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.internal.http.Excerpts;
import dev.flyregistry.internal.http.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The body of a registry error response: the distribution spec's {@code {"errors":[{code, message,
 * detail}]}} when the body is that JSON ({@code detail} kept as JSON text, whatever its type), and
 * otherwise the text of whatever was sent (HTML, plain text). At most {@link #MAX_READ} bytes are
 * read.
 *
 * <p>Nothing here is shown as is: {@link #describe(Secrets)} scrubs the client's secrets and the
 * credential the request carried ({@link #sent}) <em>before</em> it shortens anything to one line
 * of {@link #MAX_SNIPPET} characters ({@link Excerpts}), so that a secret longer than the excerpt,
 * or one straddling its end, leaves no prefix behind.
 *
 * @param errors the parsed entries (empty when the body was not the errors JSON), unscrubbed
 * @param text the body as text when it was not the errors JSON ("" if none), unscrubbed and
 *     unshortened
 * @param sent the credential of the {@code Authorization} header of the request that drew this
 *     response (a bearer token the client was issued, say), which the server may echo
 */
public record ErrorBody(List<Entry> errors, String text, Secrets sent) {
  /** The most bytes read from an error body. */
  public static final int MAX_READ = 64 * 1024;

  /** The most characters of a body (or of an entry's message) quoted in a message. */
  public static final int MAX_SNIPPET = 512;

  private static final int MIN_SECRET_LENGTH = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An entry of {@code errors[]}. */
  public record Entry(String code, String message, Optional<String> detailJson) {}

  /** Copies; checks for nulls. */
  public ErrorBody {
    errors = List.copyOf(errors);
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sent, "sent");
  }

  /** An empty body. */
  public static ErrorBody empty() {
    return new ErrorBody(List.of(), "", Secrets.NONE);
  }

  /**
   * Reads at most {@link #MAX_READ} bytes of the response's body (a failure to read gives what was
   * read) and notes the credential its request carried.
   */
  public static ErrorBody read(Response response) {
    Secrets sent =
        Secrets.ofAuthorization(response.request().header("Authorization"), MIN_SECRET_LENGTH);
    ResponseBody body = response.body();
    if (body == null) {
      return new ErrorBody(List.of(), "", sent);
    }
    Buffer buffer = new Buffer();
    try {
      BufferedSource source = body.source();
      while (buffer.size() < MAX_READ) {
        long r = source.read(buffer, MAX_READ - buffer.size());
        if (r == -1) {
          break;
        }
      }
    } catch (IOException e) {
      // keep what was read: an error body is informative, never essential
    }
    return parse(buffer.readByteArray(), sent);
  }

  /** Parses bytes already read (of a request that carried no credential). */
  public static ErrorBody parse(byte[] bytes) {
    return parse(bytes, Secrets.NONE);
  }

  /** Parses bytes already read, of a request that carried the {@code sent} credential. */
  public static ErrorBody parse(byte[] bytes, Secrets sent) {
    if (bytes.length == 0) {
      return new ErrorBody(List.of(), "", sent);
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root != null && root.isObject() && root.path("errors").isArray()) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : root.get("errors")) {
          if (!e.isObject()) {
            continue;
          }
          String code = e.path("code").isValueNode() ? e.path("code").asText("") : "";
          String message = e.path("message").isValueNode() ? e.path("message").asText("") : "";
          JsonNode detail = e.get("detail");
          Optional<String> detailJson =
              detail == null || detail.isNull()
                  ? Optional.empty()
                  : Optional.of(JSON.writeValueAsString(detail));
          entries.add(new Entry(code, message, detailJson));
        }
        if (!entries.isEmpty()) {
          return new ErrorBody(entries, "", sent);
        }
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // not JSON: fall through to the text
    } catch (IOException e) {
      // cannot happen for a byte array; treat as not JSON
    }
    return new ErrorBody(List.of(), new String(bytes, StandardCharsets.UTF_8), sent);
  }

  /** This body with another set of sent credentials (for a failure after several attempts). */
  public ErrorBody withSent(Secrets otherSent) {
    return new ErrorBody(errors, text, otherSent);
  }

  /** Whether some entry has the given code (case-insensitive). */
  public boolean hasCode(String code) {
    return errors.stream().anyMatch(e -> e.code().equalsIgnoreCase(code));
  }

  /**
   * The secrets to scrub from this body: the client's and the credential its request carried.
   *
   * @param secrets the client's secrets
   */
  public Secrets secrets(Secrets secrets) {
    return secrets.and(sent);
  }

  /**
   * For messages: {@code CODE: message; CODE2: message2}, or the quoted excerpt of the text, or "";
   * every part scrubbed of {@code secrets} and {@link #sent} first, then shortened.
   *
   * @param secrets the client's secrets
   */
  public String describe(Secrets secrets) {
    Secrets all = secrets(secrets);
    if (!errors.isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (Entry e : errors) {
        if (b.length() > 0) {
          b.append("; ");
        }
        b.append(e.code().isEmpty() ? "(no code)" : excerpt(e.code(), all));
        if (!e.message().isEmpty()) {
          b.append(": ").append(excerpt(e.message(), all));
        }
      }
      return b.toString();
    }
    return text.isEmpty() ? "" : "body: \"" + excerpt(text, all) + "\"";
  }

  /** Server text for a message: scrubbed whole, then one line of at most {@link #MAX_SNIPPET}. */
  private static String excerpt(String serverText, Secrets secrets) {
    return Excerpts.oneLine(serverText, secrets::scrub, MAX_SNIPPET);
  }

  /** Never shows the body or the credential. */
  @Override
  public String toString() {
    return "ErrorBody[" + errors.size() + " errors, " + text.length() + " characters]";
  }
}
