package dev.flyregistry.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** JSON builders for GraphQL answers in tests. */
final class Fixtures {
  static final JsonMapper JSON = new JsonMapper();

  private Fixtures() {}

  static ObjectNode release(int version, String imageRef, String email, String name) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", "rel_" + version);
    n.put("version", version);
    n.put("description", "Deploy image v" + version);
    n.put("reason", "deploy");
    n.put("status", "complete");
    n.put("imageRef", imageRef);
    n.put("stable", true);
    if (email == null) {
      n.putNull("user");
    } else {
      ObjectNode u = n.putObject("user");
      u.put("id", "user_1");
      u.put("email", email);
      u.put("name", name);
    }
    n.put("createdAt", String.format("2026-11-%02dT10:00:00Z", Math.min(28, version)));
    return n;
  }

  /** {"data":{"app":{"releases":{"nodes":[...]}}}} */
  static String releasesAnswer(List<ObjectNode> nodes) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putObject("data").putObject("app").putObject("releases").putArray("nodes");
    nodes.forEach(arr::add);
    return root.toString();
  }

  /** One page of the paginated query. */
  static String pageAnswer(List<ObjectNode> nodes, boolean hasNext, String endCursor, int total) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode conn = root.putObject("data").putObject("app").putObject("releases");
    conn.put("totalCount", total);
    ObjectNode pageInfo = conn.putObject("pageInfo");
    pageInfo.put("hasNextPage", hasNext);
    pageInfo.put("endCursor", endCursor);
    ArrayNode arr = conn.putArray("nodes");
    nodes.forEach(arr::add);
    return root.toString();
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json; charset=utf-8")
        .body(body)
        .build();
  }

  static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  static JsonNode body(RecordedRequest request) {
    try {
      return JSON.readTree(request.getBody().string(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String bodyText(RecordedRequest request) {
    return request.getBody().string(StandardCharsets.UTF_8);
  }
}
