package dev.flyregistry.registry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import okio.ByteString;

/**
 * A registry v2 write path for tests (no auth): blobs, upload sessions (monolithic and chunked,
 * with {@code Content-Range} checks and status), cross-repository mounts, manifests. A {@link
 * #fault} hook can answer any request first.
 */
final class UploadRegistry extends Dispatcher {
  /** An upload session. */
  static final class Upload {
    final String repo;
    final Buffer data = new Buffer();
    volatile boolean cancelled;

    Upload(String repo) {
      this.repo = repo;
    }
  }

  record Stored(byte[] bytes, String mediaType) {}

  final Map<String, byte[]> blobs = new ConcurrentHashMap<>(); // "repo@digest"
  final Map<String, Stored> manifests = new ConcurrentHashMap<>(); // "repo@ref"
  final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  volatile boolean relativeLocations = true;
  volatile boolean allowMount = true;
  volatile Long chunkMinLength;
  volatile boolean deleteAllowed = true;
  volatile String wrongManifestDigest;

  /**
   * Answer blob PUTs and mounts with the blob's sha256 as {@code Docker-Content-Digest} whatever
   * digest they named, and link an uploaded blob under both, as distribution does.
   */
  volatile boolean canonicalDigests;

  volatile Function<RecordedRequest, MockResponse> fault = r -> null;
  volatile String origin; // "http://127.0.0.1:port", for absolute locations
  volatile TokenServer tokens; // Bearer auth when set
  volatile String realm;

  /** The scopes a request needs, as distribution checks them. */
  private List<dev.flyregistry.internal.registry.Scope> needed(RecordedRequest r, String path) {
    List<dev.flyregistry.internal.registry.Scope> out = new java.util.ArrayList<>();
    String method = r.getMethod();
    boolean write = !(method.equals("GET") || method.equals("HEAD"));
    String repo;
    if (path.startsWith("/upload/")) {
      Upload u = uploads.get(path.substring("/upload/".length()));
      repo = u == null ? "unknown" : u.repo;
      write = true;
    } else {
      int b = path.indexOf("/blobs/");
      int m = path.indexOf("/manifests/");
      int cut = b > 0 ? b : m;
      if (cut < 0) {
        return out;
      }
      repo = path.substring(4, cut);
    }
    out.add(
        write
            ? dev.flyregistry.internal.registry.Scope.pullPush(repo)
            : dev.flyregistry.internal.registry.Scope.pull(repo));
    String from = r.getUrl().queryParameter("from");
    if (from != null) {
      out.add(dev.flyregistry.internal.registry.Scope.pull(from));
    }
    return out;
  }

  private MockResponse authorize(RecordedRequest r, String path) {
    TokenServer t = tokens;
    if (t == null) {
      return null;
    }
    List<dev.flyregistry.internal.registry.Scope> needed = needed(r, path);
    String header = r.getHeaders().get("Authorization");
    List<dev.flyregistry.internal.registry.Scope> granted =
        header != null && header.startsWith("Bearer ")
            ? t.issued.get(header.substring("Bearer ".length()))
            : null;
    if (granted != null && dev.flyregistry.internal.registry.Scope.allCovered(granted, needed)) {
      return null;
    }
    StringBuilder c = new StringBuilder("Bearer realm=\"" + realm + "\",service=\"test\"");
    if (!needed.isEmpty()) {
      c.append(",scope=\"")
          .append(String.join(" ", needed.stream().map(Object::toString).toList()))
          .append('"');
    }
    return new MockResponse.Builder()
        .code(401)
        .addHeader("WWW-Authenticate", c.toString())
        .addHeader("Content-Type", "application/json")
        .body("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}")
        .build();
  }

  void putBlob(String repo, byte[] data) {
    blobs.put(repo + "@" + Digest.sha256(data), data);
  }

  boolean hasBlob(String repo, Digest d) {
    return blobs.containsKey(repo + "@" + d);
  }

  List<RecordedRequest> requests(String method, String pathPart) {
    return recorded.stream()
        .filter(r -> r.getMethod().equals(method) && r.getUrl().encodedPath().contains(pathPart))
        .toList();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    MockResponse denied = authorize(request, path);
    if (path.equals("/v2/")) {
      return denied != null ? denied : new MockResponse.Builder().code(200).body("{}").build();
    }
    recorded.add(request);
    if (denied != null) {
      return denied;
    }
    MockResponse forced = fault.apply(request);
    if (forced != null) {
      return forced;
    }
    String method = request.getMethod();
    if (path.startsWith("/upload/")) {
      return session(request, path.substring("/upload/".length()));
    }
    int b = path.indexOf("/blobs/");
    int m = path.indexOf("/manifests/");
    if (b > 0 && path.endsWith("/blobs/uploads/") && method.equals("POST")) {
      String repo = path.substring(4, b);
      String mount = request.getUrl().queryParameter("mount");
      String from = request.getUrl().queryParameter("from");
      if (mount != null && from != null && allowMount) {
        byte[] data = blobs.get(from + "@" + mount);
        if (data != null) {
          blobs.put(repo + "@" + mount, data);
          return new MockResponse.Builder()
              .code(201)
              .addHeader("Location", "/v2/" + repo + "/blobs/" + mount)
              .addHeader("Docker-Content-Digest", answered(mount, data))
              .build();
        }
      }
      String id = "u" + ids.incrementAndGet();
      uploads.put(id, new Upload(repo));
      MockResponse.Builder r =
          new MockResponse.Builder()
              .code(202)
              .addHeader("Location", location(id))
              .addHeader("Range", "0-0")
              .addHeader("Docker-Upload-UUID", id);
      if (chunkMinLength != null) {
        r.addHeader("OCI-Chunk-Min-Length", chunkMinLength);
      }
      return r.build();
    }
    if (b > 0 && (method.equals("HEAD") || method.equals("GET"))) {
      String repo = path.substring(4, b);
      String digest = path.substring(b + "/blobs/".length());
      byte[] data = blobs.get(repo + "@" + digest);
      if (data == null) {
        return method.equals("HEAD")
            ? new MockResponse.Builder().code(404).build()
            : error(404, "BLOB_UNKNOWN");
      }
      MockResponse.Builder r =
          new MockResponse.Builder().code(200).addHeader("Docker-Content-Digest", digest);
      if (method.equals("HEAD")) {
        r.addHeader("Content-Length", data.length);
      } else {
        r.body(new Buffer().write(data));
      }
      return r.build();
    }
    if (m > 0) {
      String repo = path.substring(4, m);
      String ref = path.substring(m + "/manifests/".length());
      if (method.equals("PUT")) {
        byte[] bytes = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        Digest d = Digest.sha256(bytes);
        Stored s = new Stored(bytes, request.getHeaders().get("Content-Type"));
        manifests.put(repo + "@" + ref, s);
        manifests.put(repo + "@" + d, s);
        return new MockResponse.Builder()
            .code(201)
            .addHeader(
                "Docker-Content-Digest",
                wrongManifestDigest != null ? wrongManifestDigest : d.toString())
            .addHeader("Location", "/v2/" + repo + "/manifests/" + d)
            .build();
      }
      if (method.equals("DELETE")) {
        if (!deleteAllowed) {
          return error(405, "UNSUPPORTED");
        }
        if (!ref.startsWith("sha256:")) {
          return error(400, "DIGEST_INVALID");
        }
        return manifests.remove(repo + "@" + ref) != null
            ? new MockResponse.Builder().code(202).build()
            : error(404, "MANIFEST_UNKNOWN");
      }
      Stored s = manifests.get(repo + "@" + ref);
      if (s == null) {
        return error(404, "MANIFEST_UNKNOWN");
      }
      MockResponse.Builder r =
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", s.mediaType())
              .addHeader("Docker-Content-Digest", Digest.sha256(s.bytes()).toString());
      if (method.equals("HEAD")) {
        r.addHeader("Content-Length", s.bytes().length);
      } else {
        r.body(new Buffer().write(s.bytes()));
      }
      return r.build();
    }
    return error(404, "UNSUPPORTED");
  }

  /** The Docker-Content-Digest of a stored blob. */
  private String answered(String digest, byte[] data) {
    return canonicalDigests ? Digest.sha256(data).toString() : digest;
  }

  private String location(String id) {
    String rel = "/upload/" + id + "?_state=st-" + id;
    return relativeLocations ? rel : origin + rel;
  }

  private MockResponse session(RecordedRequest request, String id) {
    Upload u = uploads.get(id);
    if (u == null || u.cancelled) {
      return error(404, "BLOB_UPLOAD_UNKNOWN");
    }
    if (!("st-" + id).equals(request.getUrl().queryParameter("_state"))) {
      return error(400, "BLOB_UPLOAD_INVALID"); // the query of Location was not kept
    }
    ByteString body = request.getBody();
    switch (request.getMethod()) {
      case "PATCH":
        {
          String range = request.getHeaders().get("Content-Range");
          if (range != null) {
            long start = Long.parseLong(range.substring(0, range.indexOf('-')));
            if (start != u.data.size()) {
              return new MockResponse.Builder()
                  .code(416)
                  .addHeader("Location", location(id))
                  .addHeader("Range", "0-" + Math.max(0, u.data.size() - 1))
                  .build();
            }
          }
          if (body != null) {
            u.data.write(body);
          }
          return new MockResponse.Builder()
              .code(202)
              .addHeader("Location", location(id))
              .addHeader("Range", "0-" + Math.max(0, u.data.size() - 1))
              .build();
        }
      case "GET":
        return new MockResponse.Builder()
            .code(204)
            .addHeader("Location", location(id))
            .addHeader("Range", "0-" + Math.max(0, u.data.size() - 1))
            .build();
      case "DELETE":
        u.cancelled = true;
        return new MockResponse.Builder().code(204).build();
      case "PUT":
        {
          if (body != null) {
            u.data.write(body);
          }
          byte[] data = u.data.readByteArray();
          String digest = request.getUrl().queryParameter("digest");
          if (digest == null || !Digest.parse(digest).matches(data)) {
            return error(400, "DIGEST_INVALID");
          }
          uploads.remove(id);
          blobs.put(u.repo + "@" + digest, data);
          if (canonicalDigests) {
            blobs.put(u.repo + "@" + Digest.sha256(data), data);
          }
          return new MockResponse.Builder()
              .code(201)
              .addHeader("Location", "/v2/" + u.repo + "/blobs/" + answered(digest, data))
              .addHeader("Docker-Content-Digest", answered(digest, data))
              .build();
        }
      default:
        return error(405, "UNSUPPORTED");
    }
  }

  static MockResponse error(int code, String errorCode) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body("{\"errors\":[{\"code\":\"" + errorCode + "\",\"message\":\"" + errorCode + "\"}]}")
        .build();
  }
}
