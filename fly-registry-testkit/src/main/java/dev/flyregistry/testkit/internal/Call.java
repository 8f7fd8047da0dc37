package dev.flyregistry.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One HTTP exchange: the parsed request, and helpers to answer it once. */
public final class Call {
  /** The JSON mapper of every emulator body. */
  public static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpExchange exchange;
  private final String method;
  private final String path;
  private final Map<String, List<String>> query;
  private final Metrics metrics;
  private byte[] body;
  private boolean answered;

  Call(HttpExchange exchange, Metrics metrics) {
    this.exchange = exchange;
    this.metrics = metrics;
    this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    this.path = exchange.getRequestURI().getPath();
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  private static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /**
   * @return the request method, upper case
   */
  public String method() {
    return method;
  }

  /**
   * @return the request path, percent-decoded
   */
  public String path() {
    return path;
  }

  /**
   * @param name a query parameter
   * @return its first value
   */
  public Optional<String> query(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /**
   * @param name a query parameter
   * @return every value, in order (comma-separated values are not split)
   */
  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  /**
   * @param name a header name, any case
   * @return its first value
   */
  public Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  /**
   * @param name a header name, any case
   * @return every value of it
   */
  public List<String> headerAll(String name) {
    List<String> v = exchange.getRequestHeaders().get(name);
    return v == null ? List.of() : v;
  }

  /**
   * @return the {@code Host} the client addressed
   */
  public String host() {
    return header("Host").orElse("127.0.0.1:" + exchange.getLocalAddress().getPort());
  }

  /**
   * Reads the whole request body once.
   *
   * @return the body bytes (empty when none)
   * @throws IOException when the connection fails while reading
   */
  public byte[] body() throws IOException {
    if (body == null) {
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
    }
    return body;
  }

  /**
   * Parses the body as a JSON object.
   *
   * @return the tree, or empty when the body is not a JSON object
   * @throws IOException when the connection fails while reading
   */
  public Optional<JsonNode> jsonBody() throws IOException {
    byte[] b = body();
    if (b.length == 0) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(b);
      return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Adds a response header (before {@link #respond}).
   *
   * @param name header name
   * @param value header value
   * @return this
   */
  public Call setHeader(String name, String value) {
    exchange.getResponseHeaders().add(name, value);
    return this;
  }

  /**
   * @return whether the call was answered
   */
  public boolean answered() {
    return answered;
  }

  /**
   * Sends the response. For HEAD, sends the headers (with the {@code Content-Length} a GET would
   * carry) and no body; 204 sends no length.
   *
   * @param status the status code
   * @param contentType the body's type, or null
   * @param payload the body, or null for none
   * @throws IOException when the connection fails
   */
  public void respond(int status, String contentType, byte[] payload) throws IOException {
    if (answered) {
      throw new IllegalStateException("already answered");
    }
    answered = true;
    byte[] out = payload == null ? new byte[0] : payload;
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    try {
      if (status == 204 || status == 304) {
        exchange.sendResponseHeaders(status, -1);
      } else if ("HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Content-Length", Integer.toString(out.length));
        exchange.sendResponseHeaders(status, -1);
      } else if (out.length == 0) {
        exchange.sendResponseHeaders(status, -1);
      } else {
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } finally {
      exchange.close();
    }
  }

  /**
   * Sends JSON.
   *
   * @param status the status code
   * @param node the body
   * @throws IOException when the connection fails
   */
  public void respondJson(int status, Object node) throws IOException {
    respond(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(node));
  }

  /** Closes the connection without answering (a dropped connection). */
  public void drop() {
    answered = true;
    exchange.close();
  }

  Metrics metrics() {
    return metrics;
  }
}
