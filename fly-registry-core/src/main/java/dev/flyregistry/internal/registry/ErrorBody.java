package dev.flyregistry.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The body of a registry error response: the distribution spec's {@code {"errors":[{code, message,
 * detail}]}} when the body is that JSON ({@code detail} kept as JSON text, whatever its type), and
 * otherwise a short printable snippet of whatever was sent (HTML, plain text). At most {@link
 * #MAX_READ} bytes are read and at most {@link #MAX_SNIPPET} characters quoted.
 *
 * @param errors the parsed entries (empty when the body was not the errors JSON)
 * @param snippet a printable, bounded excerpt of a body that was not the errors JSON ("" if none)
 */
public record ErrorBody(List<Entry> errors, String snippet) {
  /** The most bytes read from an error body. */
  public static final int MAX_READ = 64 * 1024;

  /** The most characters of a body quoted in a message. */
  public static final int MAX_SNIPPET = 512;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An entry of {@code errors[]}. */
  public record Entry(String code, String message, Optional<String> detailJson) {}

  /** Copies. */
  public ErrorBody {
    errors = List.copyOf(errors);
  }

  /** An empty body. */
  public static ErrorBody empty() {
    return new ErrorBody(List.of(), "");
  }

  /** Reads at most {@link #MAX_READ} bytes of the body; a failure to read gives what was read. */
  public static ErrorBody read(ResponseBody body) {
    if (body == null) {
      return empty();
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
    return parse(buffer.readByteArray());
  }

  /** Parses bytes already read. */
  public static ErrorBody parse(byte[] bytes) {
    if (bytes.length == 0) {
      return empty();
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
          return new ErrorBody(entries, "");
        }
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // not JSON: fall through to the snippet
    } catch (IOException e) {
      // cannot happen for a byte array; treat as not JSON
    }
    return new ErrorBody(List.of(), snippet(bytes));
  }

  /** A printable excerpt: control characters and runs of white space collapsed, bounded. */
  static String snippet(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder();
    boolean space = false;
    for (int i = 0; i < text.length() && b.length() < MAX_SNIPPET; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        space = true;
        continue;
      }
      if (space && b.length() > 0) {
        b.append(' ');
      }
      space = false;
      b.append(c);
    }
    if (b.length() >= MAX_SNIPPET) {
      b.setLength(MAX_SNIPPET);
      b.append("...");
    }
    return b.toString();
  }

  /** Whether some entry has the given code (case-insensitive). */
  public boolean hasCode(String code) {
    return errors.stream().anyMatch(e -> e.code().equalsIgnoreCase(code));
  }

  /** For messages: {@code CODE: message; CODE2: message2}, or the quoted snippet, or "". */
  public String describe() {
    if (!errors.isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (Entry e : errors) {
        if (b.length() > 0) {
          b.append("; ");
        }
        b.append(e.code().isEmpty() ? "(no code)" : e.code());
        if (!e.message().isEmpty()) {
          b.append(": ").append(bounded(e.message()));
        }
      }
      return b.toString();
    }
    return snippet.isEmpty() ? "" : "body: \"" + snippet + "\"";
  }

  private static String bounded(String s) {
    return s.length() > MAX_SNIPPET ? s.substring(0, MAX_SNIPPET) + "..." : s;
  }
}
