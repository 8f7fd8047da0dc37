package dev.flyregistry.registry;

import dev.flyregistry.internal.registry.Scope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * A registry v2 for tests: manifests by tag and digest, tag lists with {@code Link} pagination, and
 * one of three auth modes (none, Basic, Bearer against a {@link TokenServer}).
 */
class FakeRegistry extends Dispatcher {
  enum Auth {
    NONE,
    BASIC,
    BEARER
  }

  record Stored(byte[] bytes, String mediaType, Digest digest) {}

  final Map<String, Stored> manifests = new ConcurrentHashMap<>(); // "repo@ref"
  final Map<String, List<String>> tags = new ConcurrentHashMap<>();
  final Map<String, byte[]> blobs = new ConcurrentHashMap<>(); // "repo@digest"
  final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();
  final AtomicInteger unauthorized = new AtomicInteger();
  final AtomicInteger manifestRequests = new AtomicInteger();

  volatile Auth auth = Auth.NONE;
  volatile String username;
  volatile String password;
  volatile String realm;
  volatile String service = "test-registry";
  volatile TokenServer tokens;
  volatile boolean digestOnHead = true;
  volatile int pageSize = 2;

  /** Scopes a manifest request on a repository needs besides pull on it (scope accumulation). */
  final Map<String, List<Scope>> extraScopes = new ConcurrentHashMap<>();

  Digest put(String repo, String tag, String json, String mediaType) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(bytes);
    Stored s = new Stored(bytes, mediaType, d);
    manifests.put(repo + "@" + tag, s);
    manifests.put(repo + "@" + d, s);
    tags.computeIfAbsent(repo, r -> new CopyOnWriteArrayList<>()).add(tag);
    return d;
  }

  /** Stores a blob under its digest (or under {@code as}, to serve bytes that do not match). */
  Digest putBlob(String repo, byte[] bytes, Digest as) {
    Digest d = as != null ? as : Digest.sha256(bytes);
    blobs.put(repo + "@" + d, bytes);
    return d;
  }

  /** An OCI manifest naming a config blob of the given digest and size. */
  static String ociManifestWithConfig(Digest config, long size) {
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG
        + "\",\"digest\":\""
        + config
        + "\",\"size\":"
        + size
        + "},\"layers\":[]}";
  }

  static String ociManifest(String salt) {
    String cfg = Digest.sha256(("config" + salt).getBytes(StandardCharsets.UTF_8)).toString();
    String layer = Digest.sha256(("layer" + salt).getBytes(StandardCharsets.UTF_8)).toString();
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG
        + "\",\"digest\":\""
        + cfg
        + "\",\"size\":7},\"layers\":[{\"mediaType\":\""
        + MediaTypes.OCI_LAYER_GZIP
        + "\",\"digest\":\""
        + layer
        + "\",\"size\":42}]}";
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    recorded.add(request);
    String path = request.getUrl().encodedPath();
    if (path.equals("/v2/") || path.equals("/v2")) {
      MockResponse denied = check(request, List.of());
      return denied != null ? denied : json(200, "{}");
    }
    int m = path.indexOf("/manifests/");
    if (path.startsWith("/v2/") && m > 0) {
      manifestRequests.incrementAndGet();
      String repo = path.substring(4, m);
      String ref = path.substring(m + "/manifests/".length());
      List<Scope> needed = new ArrayList<>(List.of(Scope.pull(repo)));
      needed.addAll(extraScopes.getOrDefault(repo, List.of()));
      MockResponse denied = check(request, needed);
      if (denied != null) {
        return denied;
      }
      Stored s = manifests.get(repo + "@" + ref);
      if (s == null) {
        return request.getMethod().equals("HEAD")
            ? new MockResponse.Builder().code(404).build()
            : json(
                404,
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\","
                    + "\"detail\":{\"Tag\":\""
                    + ref
                    + "\"}}]}");
      }
      MockResponse.Builder b =
          new MockResponse.Builder().code(200).addHeader("Content-Type", s.mediaType());
      if (digestOnHead || !request.getMethod().equals("HEAD")) {
        b.addHeader("Docker-Content-Digest", s.digest().toString());
      }
      if (request.getMethod().equals("HEAD")) {
        b.addHeader("Content-Length", s.bytes().length);
      } else {
        b.body(new Buffer().write(s.bytes()));
      }
      return b.build();
    }
    int blobAt = path.indexOf("/blobs/");
    if (path.startsWith("/v2/") && blobAt > 0 && !path.contains("/blobs/uploads")) {
      String repo = path.substring(4, blobAt);
      String digest = path.substring(blobAt + "/blobs/".length());
      MockResponse denied = check(request, List.of(Scope.pull(repo)));
      if (denied != null) {
        return denied;
      }
      byte[] blob = blobs.get(repo + "@" + digest);
      if (blob == null) {
        return json(404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}");
      }
      return new MockResponse.Builder()
          .code(200)
          .addHeader("Content-Type", "application/octet-stream")
          .addHeader("Docker-Content-Digest", digest)
          .body(new Buffer().write(blob))
          .build();
    }
    if (path.startsWith("/v2/") && path.endsWith("/tags/list")) {
      String repo = path.substring(4, path.length() - "/tags/list".length());
      MockResponse denied = check(request, List.of(Scope.pull(repo)));
      if (denied != null) {
        return denied;
      }
      List<String> all = tags.get(repo);
      if (all == null) {
        return json(
            404,
            "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to"
                + " registry\"}]}");
      }
      List<String> sorted = new ArrayList<>(all);
      java.util.Collections.sort(sorted);
      String last = request.getUrl().queryParameter("last");
      int start = 0;
      if (last != null) {
        start = sorted.indexOf(last) + 1;
      }
      int end = Math.min(sorted.size(), start + pageSize);
      List<String> page = sorted.subList(start, end);
      StringBuilder body = new StringBuilder("{\"name\":\"" + repo + "\",\"tags\":[");
      for (int i = 0; i < page.size(); i++) {
        body.append(i == 0 ? "" : ",").append('"').append(page.get(i)).append('"');
      }
      body.append("]}");
      MockResponse.Builder b =
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", "application/json")
              .body(body.toString());
      if (end < sorted.size()) {
        b.addHeader(
            "Link",
            "</v2/"
                + repo
                + "/tags/list?n="
                + pageSize
                + "&last="
                + page.get(page.size() - 1)
                + ">; rel=\"next\"");
      }
      return b.build();
    }
    return json(404, "{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"not here\"}]}");
  }

  /** Null when the request may proceed, else the 401 response. */
  private MockResponse check(RecordedRequest request, List<Scope> needed) {
    MockResponse r = check0(request, needed);
    if (r != null && request.getMethod().equals("HEAD")) {
      return new MockResponse.Builder(r).body("").removeHeader("Content-Length").build();
    }
    return r;
  }

  private MockResponse check0(RecordedRequest request, List<Scope> needed) {
    String header = request.getHeaders().get("Authorization");
    switch (auth) {
      case NONE:
        return null;
      case BASIC:
        String expected = okhttp3.Credentials.basic(username, password, StandardCharsets.UTF_8);
        if (expected.equals(header)) {
          return null;
        }
        unauthorized.incrementAndGet();
        return new MockResponse.Builder()
            .code(401)
            .addHeader("WWW-Authenticate", "Basic realm=\"Registry Realm\"")
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication"
                    + " required\",\"detail\":null}]}")
            .build();
      default:
        List<Scope> granted = null;
        if (header != null && header.startsWith("Bearer ")) {
          granted = tokens.issued.get(header.substring("Bearer ".length()));
        }
        boolean ok = granted != null && Scope.allCovered(granted, needed);
        if (ok) {
          return null;
        }
        unauthorized.incrementAndGet();
        StringBuilder c =
            new StringBuilder("Bearer realm=\"" + realm + "\",service=\"" + service + "\"");
        if (!needed.isEmpty()) {
          c.append(",scope=\"")
              .append(String.join(" ", needed.stream().map(Scope::toString).toList()))
              .append('"');
        }
        if (granted != null) {
          c.append(",error=\"insufficient_scope\"");
        }
        return new MockResponse.Builder()
            .code(401)
            .addHeader("WWW-Authenticate", c.toString())
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")
            .build();
    }
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }
}
