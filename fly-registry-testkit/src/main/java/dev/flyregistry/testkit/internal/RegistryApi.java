package dev.flyregistry.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.ImageManifest;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.ManifestFormatException;
import dev.flyregistry.registry.ManifestIndex;
import dev.flyregistry.registry.MediaTypes;
import dev.flyregistry.registry.Platform;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry v2 API as registry.fly.io serves it: Basic authentication with username {@code x}
 * and a Fly token, repositories that are the apps of the token's organization, and the behaviour of
 * the CNCF distribution registry 2.8.2 for manifests, blobs and uploads (with {@code Link}
 * pagination of tag lists on top).
 */
public final class RegistryApi implements Api {
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern NAME =
      Pattern.compile(COMPONENT.pattern() + "(?:/" + COMPONENT.pattern() + ")*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern RANGE =
      Pattern.compile("^(?:bytes[ =])?([0-9]+)-([0-9]+)(?:/(?:[0-9]+|\\*))?$");
  private static final String OCTETS = "application/octet-stream";

  private final State state;
  private final Metrics metrics;
  private final Settings settings;

  /**
   * Options of the registry emulation.
   *
   * @param realm the Basic realm
   * @param relativeLocations whether {@code Location} headers are relative
   * @param defaultTagPageSize tags per page when the client gives no {@code n} (0: all)
   */
  public record Settings(String realm, boolean relativeLocations, int defaultTagPageSize) {}

  /**
   * @param state the emulator's state
   * @param metrics counters
   * @param settings options
   */
  public RegistryApi(State state, Metrics metrics, Settings settings) {
    this.state = state;
    this.metrics = metrics;
    this.settings = settings;
  }

  /** A parsed route. */
  private record Route(String kind, String name, String arg) {}

  private static Route parse(String path) {
    if (path.equals("/v2/") || path.equals("/v2")) {
      return new Route("base", null, null);
    }
    if (!path.startsWith("/v2/")) {
      return new Route("other", null, null);
    }
    String rest = path.substring(4);
    if (rest.endsWith("/tags/list")) {
      return new Route("tags", rest.substring(0, rest.length() - "/tags/list".length()), null);
    }
    int i = rest.lastIndexOf("/manifests/");
    if (i > 0) {
      return new Route(
          "manifest", rest.substring(0, i), rest.substring(i + "/manifests/".length()));
    }
    if (rest.endsWith("/blobs/uploads") || rest.endsWith("/blobs/uploads/")) {
      return new Route("uploads", rest.substring(0, rest.lastIndexOf("/blobs/uploads")), null);
    }
    i = rest.lastIndexOf("/blobs/uploads/");
    if (i > 0) {
      return new Route(
          "upload", rest.substring(0, i), rest.substring(i + "/blobs/uploads/".length()));
    }
    i = rest.lastIndexOf("/blobs/");
    if (i > 0) {
      return new Route("blob", rest.substring(0, i), rest.substring(i + "/blobs/".length()));
    }
    return new Route("other", null, null);
  }

  @Override
  public String route(Call call) {
    return switch (parse(call.path()).kind()) {
      case "base" -> "/v2/";
      case "tags" -> "/v2/{name}/tags/list";
      case "manifest" -> "/v2/{name}/manifests/{reference}";
      case "uploads" -> "/v2/{name}/blobs/uploads/";
      case "upload" -> "/v2/{name}/blobs/uploads/{uuid}";
      case "blob" -> "/v2/{name}/blobs/{digest}";
      default -> "other";
    };
  }

  @Override
  public void handle(Call call) throws IOException {
    call.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    Route r = parse(call.path());
    if (r.kind().equals("other")) {
      call.body();
      error(call, 404, "UNSUPPORTED", "the operation is unsupported", null);
      return;
    }
    Optional<State.Token> token = authenticate(call);
    if (token.isEmpty()) {
      call.body();
      call.setHeader("WWW-Authenticate", "Basic realm=\"" + settings.realm() + "\"");
      error(call, 401, "UNAUTHORIZED", "authentication required", null);
      return;
    }
    if (r.kind().equals("base")) {
      call.respondJson(200, Call.JSON.createObjectNode());
      return;
    }
    if (!NAME.matcher(r.name()).matches() || r.name().length() > 255) {
      call.body();
      error(call, 400, "NAME_INVALID", "invalid repository name", r.name());
      return;
    }
    Optional<State.App> app = state.app(State.appOf(r.name()));
    if (app.isEmpty()) {
      call.body();
      error(
          call, 404, "NAME_UNKNOWN", "repository name not known to registry", nameDetail(r.name()));
      return;
    }
    if (!app.get().org().equals(token.get().org())) {
      call.body();
      error(call, 403, "DENIED", "requested access to the resource is denied", null);
      return;
    }
    switch (r.kind()) {
      case "tags" -> tags(call, r.name());
      case "manifest" -> manifest(call, r.name(), r.arg());
      case "uploads" -> startUpload(call, r.name(), token.get());
      case "upload" -> upload(call, r.name(), r.arg());
      case "blob" -> blob(call, r.name(), r.arg());
      default -> error(call, 404, "UNSUPPORTED", "the operation is unsupported", null);
    }
  }

  private Optional<State.Token> authenticate(Call call) {
    Optional<String> h = call.header("Authorization");
    if (h.isEmpty() || !h.get().regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(h.get().substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0 || !decoded.substring(0, colon).equals("x")) {
      return Optional.empty();
    }
    return state.authenticate(decoded.substring(colon + 1));
  }

  static void error(Call call, int status, String code, String message, Object detail)
      throws IOException {
    ObjectNode root = Call.JSON.createObjectNode();
    ArrayNode errors = root.putArray("errors");
    ObjectNode e = errors.addObject();
    e.put("code", code);
    e.put("message", message);
    if (detail != null) {
      e.set("detail", Call.JSON.valueToTree(detail));
    }
    call.respondJson(status, root);
  }

  private String base(Call call) {
    return settings.relativeLocations() ? "" : "http://" + call.host();
  }

  // ------------------------------------------------------------------------------ tags

  private void tags(Call call, String name) throws IOException {
    if (!call.method().equals("GET")) {
      methodNotAllowed(call);
      return;
    }
    Optional<List<String>> all = state.tags(name);
    if (all.isEmpty()) {
      error(call, 404, "NAME_UNKNOWN", "repository name not known to registry", nameDetail(name));
      return;
    }
    int n = settings.defaultTagPageSize();
    Optional<String> nParam = call.query("n");
    if (nParam.isPresent()) {
      try {
        n = Integer.parseInt(nParam.get());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0) {
        error(call, 400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested", null);
        return;
      }
    }
    String last = call.query("last").orElse(null);
    List<String> after =
        all.get().stream().filter(t -> last == null || t.compareTo(last) > 0).toList();
    boolean limited = nParam.isPresent() || n > 0;
    List<String> page = limited && after.size() > n ? after.subList(0, n) : after;
    if (limited && after.size() > page.size() && !page.isEmpty()) {
      String next =
          "/v2/"
              + name
              + "/tags/list?last="
              + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8)
              + "&n="
              + n;
      call.setHeader("Link", "<" + next + ">; rel=\"next\"");
    }
    ObjectNode body = Call.JSON.createObjectNode();
    body.put("name", name);
    ArrayNode arr = body.putArray("tags");
    page.forEach(arr::add);
    call.respondJson(200, body);
  }

  // ------------------------------------------------------------------------------ manifests

  private void manifest(Call call, String name, String reference) throws IOException {
    boolean byDigest = reference.contains(":");
    if (byDigest) {
      try {
        Digest.parse(reference);
      } catch (RuntimeException e) {
        call.body();
        error(call, 400, "DIGEST_INVALID", "provided digest did not match uploaded content", null);
        return;
      }
    } else if (!TAG.matcher(reference).matches()) {
      call.body();
      error(call, 400, "TAG_INVALID", "manifest tag did not match URI", reference);
      return;
    }
    switch (call.method()) {
      case "GET", "HEAD" -> getManifest(call, name, reference, byDigest);
      case "PUT" -> putManifest(call, name, reference, byDigest);
      case "DELETE" -> deleteManifest(call, name, reference, byDigest);
      default -> methodNotAllowed(call);
    }
  }

  private static Set<String> accepted(Call call) {
    Set<String> out = new HashSet<>();
    for (String h : call.headerAll("Accept")) {
      for (String part : h.split(",")) {
        String t = MediaTypes.essence(part);
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private void getManifest(Call call, String name, String reference, boolean byDigest)
      throws IOException {
    Optional<State.StoredManifest> found = state.manifest(name, reference);
    if (found.isEmpty()) {
      error(call, 404, "MANIFEST_UNKNOWN", "manifest unknown", detail(name, reference, byDigest));
      return;
    }
    State.StoredManifest m = found.get();
    Set<String> accept = accepted(call);
    String type = m.mediaType();
    if (type.equals(MediaTypes.OCI_MANIFEST) && !accept.contains(MediaTypes.OCI_MANIFEST)) {
      error(
          call,
          404,
          "MANIFEST_UNKNOWN",
          "OCI manifest found, but accept header does not support OCI manifests",
          null);
      return;
    }
    if (type.equals(MediaTypes.OCI_INDEX) && !accept.contains(MediaTypes.OCI_INDEX)) {
      error(
          call,
          404,
          "MANIFEST_UNKNOWN",
          "OCI index found, but accept header does not support OCI indexes",
          null);
      return;
    }
    if (type.equals(MediaTypes.DOCKER_MANIFEST_LIST)
        && !byDigest
        && !accept.contains(MediaTypes.DOCKER_MANIFEST_LIST)) {
      Optional<State.StoredManifest> amd64 = linuxAmd64(name, (ManifestIndex) m.parsed());
      if (amd64.isEmpty()) {
        error(call, 404, "MANIFEST_UNKNOWN", "manifest unknown", detail(name, reference, false));
        return;
      }
      m = amd64.get();
    }
    if (m.mediaType().equals(MediaTypes.DOCKER_MANIFEST)
        && !byDigest
        && !accept.contains(MediaTypes.DOCKER_MANIFEST)) {
      // distribution 2.8.2 rewrites a Docker v2 image fetched by tag for a client that does not
      // accept Docker v2 as a signed schema 1 manifest; the emulator makes no schema 1 manifests
      error(
          call,
          400,
          "MANIFEST_INVALID",
          "manifest invalid",
          "the Accept header allows no Docker v2 manifest"
              + (m == found.get() ? "" : " (nor the Docker manifest list)")
              + ", so the registry would rewrite the linux/amd64 image "
              + m.digest()
              + " as a schema 1 manifest: "
              + schema1Problem((ImageManifest) m.parsed()));
      return;
    }
    call.setHeader("Docker-Content-Digest", m.digest().toString());
    call.setHeader("Etag", "\"" + m.digest() + "\"");
    call.respond(200, m.mediaType(), m.bytes());
  }

  /** Why distribution's schema 1 rewrite of this image fails, or that the emulator has none. */
  private String schema1Problem(ImageManifest image) {
    byte[] config = state.blob(image.config().digest());
    if (config == null) {
      return "its config blob is unknown";
    }
    JsonNode root;
    try {
      root = Call.JSON.readTree(config);
    } catch (IOException | RuntimeException e) {
      return "its config is not JSON";
    }
    if (root == null || root.path("history").size() == 0) {
      return "empty history when trying to create schema1 manifest";
    }
    int diffIds = root.path("rootfs").path("diff_ids").size();
    if (diffIds != image.layers().size()) {
      return "number of descriptors and number of layers in rootfs must match: "
          + diffIds
          + " != "
          + image.layers().size();
    }
    return "the emulator does not make schema 1 manifests; accept "
        + MediaTypes.DOCKER_MANIFEST
        + " to get this image";
  }

  private Optional<State.StoredManifest> linuxAmd64(String name, ManifestIndex index) {
    for (Descriptor d : index.manifests()) {
      Optional<Platform> p = d.platform();
      if (p.isPresent() && p.get().os().equals("linux") && p.get().architecture().equals("amd64")) {
        return state.manifest(name, d.digest().toString());
      }
    }
    return Optional.empty();
  }

  private static Object nameDetail(String name) {
    return Call.JSON.createObjectNode().put("name", name);
  }

  private static Object detail(String name, String reference, boolean byDigest) {
    ObjectNode d = Call.JSON.createObjectNode();
    if (byDigest) {
      d.put("Name", name);
      d.put("Revision", reference);
    } else {
      d.put("Tag", reference);
    }
    return d;
  }

  private void putManifest(Call call, String name, String reference, boolean byDigest)
      throws IOException {
    byte[] body = call.body();
    String contentType = call.header("Content-Type").orElse(null);
    String typeProblem = contentTypeProblem(contentType, body);
    if (typeProblem != null) {
      error(call, 400, "MANIFEST_INVALID", "manifest invalid", typeProblem);
      return;
    }
    Manifest parsed;
    try {
      parsed = Manifest.parse(body, contentType);
    } catch (ManifestFormatException e) {
      error(call, 400, "MANIFEST_INVALID", "manifest invalid", e.getMessage());
      return;
    } catch (RuntimeException e) {
      error(call, 400, "MANIFEST_INVALID", "manifest invalid", String.valueOf(e.getMessage()));
      return;
    }
    if (byDigest) {
      Digest claimed = Digest.parse(reference);
      if (!claimed.algorithm().equals(Digest.SHA256)) {
        error(call, 400, "DIGEST_INVALID", "the emulator stores sha256 manifests only", null);
        return;
      }
      if (!claimed.equals(parsed.digest())) {
        error(call, 400, "DIGEST_INVALID", "provided digest did not match uploaded content", null);
        return;
      }
    }
    Optional<Descriptor> missing = state.putManifest(name, parsed, byDigest ? null : reference);
    if (missing.isPresent()) {
      error(
          call,
          400,
          "MANIFEST_BLOB_UNKNOWN",
          "blob unknown to registry",
          missing.get().digest().toString());
      return;
    }
    call.setHeader("Location", base(call) + "/v2/" + name + "/manifests/" + parsed.digest());
    call.setHeader("Docker-Content-Digest", parsed.digest().toString());
    call.respond(201, null, null);
  }

  /**
   * Distribution 2.8.2 picks the manifest parser by the request's {@code Content-Type} alone: the
   * four schema 2 / OCI types have their own, anything else (no header, {@code application/json},
   * ...) falls back to the schema 1 parser, which refuses every schema 2 or OCI body. The Docker
   * parsers also want the body's {@code mediaType} to be their own.
   *
   * @return what is wrong, or null when the body can go to the parser of its type
   */
  private static String contentTypeProblem(String contentType, byte[] body) {
    String type = MediaTypes.essence(contentType);
    if (!MediaTypes.MANIFEST_TYPES.contains(type)) {
      return (type.isEmpty() ? "no Content-Type" : "Content-Type \"" + type + "\"")
          + " is not a schema 2 or OCI manifest type, so the manifest is read as a signed schema 1"
          + " manifest, which it is not; send the manifest's own media type as Content-Type";
    }
    if (body.length > 0
        && (type.equals(MediaTypes.DOCKER_MANIFEST)
            || type.equals(MediaTypes.DOCKER_MANIFEST_LIST))) {
      String declared;
      try {
        declared = Call.JSON.readTree(body).path("mediaType").asText("");
      } catch (IOException | RuntimeException e) {
        return null; // not JSON: the parser says so
      }
      if (!declared.equals(type)) {
        return "Content-Type is \""
            + type
            + "\" but the manifest's mediaType is "
            + (declared.isEmpty() ? "missing" : "\"" + declared + "\"");
      }
    }
    return null;
  }

  private void deleteManifest(Call call, String name, String reference, boolean byDigest)
      throws IOException {
    call.body();
    if (!byDigest) {
      error(call, 400, "DIGEST_INVALID", "provided digest did not match uploaded content", null);
      return;
    }
    if (!state.deleteManifest(name, Digest.parse(reference))) {
      error(call, 404, "MANIFEST_UNKNOWN", "manifest unknown", detail(name, reference, true));
      return;
    }
    call.respond(202, null, null);
  }

  // ------------------------------------------------------------------------------ blobs

  private void blob(Call call, String name, String digestText) throws IOException {
    call.body();
    Digest d;
    try {
      d = Digest.parse(digestText);
    } catch (RuntimeException e) {
      error(call, 400, "DIGEST_INVALID", "provided digest did not match uploaded content", null);
      return;
    }
    switch (call.method()) {
      case "GET", "HEAD" -> {
        byte[] content = state.hasBlob(name, d) ? state.blob(d) : null;
        if (content == null) {
          error(call, 404, "BLOB_UNKNOWN", "blob unknown to registry", d.toString());
          return;
        }
        call.setHeader("Docker-Content-Digest", d.toString());
        call.setHeader("Etag", "\"" + d + "\"");
        call.setHeader("Accept-Ranges", "bytes");
        Optional<String> range = call.header("Range");
        if (range.isPresent() && call.method().equals("GET")) {
          Matcher m = Pattern.compile("^bytes=([0-9]*)-([0-9]*)$").matcher(range.get().trim());
          long total = content.length;
          if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
            long start;
            long end;
            if (m.group(1).isEmpty()) {
              long suffix = Long.parseLong(m.group(2));
              start = Math.max(0, total - suffix);
              end = total - 1;
            } else {
              start = Long.parseLong(m.group(1));
              end =
                  m.group(2).isEmpty()
                      ? total - 1
                      : Math.min(Long.parseLong(m.group(2)), total - 1);
            }
            if (start >= total || start > end) {
              call.setHeader("Content-Range", "bytes */" + total);
              call.respond(416, null, null);
              return;
            }
            byte[] part = java.util.Arrays.copyOfRange(content, (int) start, (int) end + 1);
            call.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + total);
            call.respond(206, OCTETS, part);
            return;
          }
        }
        call.respond(200, OCTETS, content);
      }
      case "DELETE" -> {
        if (!state.unlinkBlob(name, d)) {
          error(call, 404, "BLOB_UNKNOWN", "blob unknown to registry", d.toString());
          return;
        }
        call.respond(202, null, null);
      }
      default -> methodNotAllowed(call);
    }
  }

  // ------------------------------------------------------------------------------ uploads

  private void startUpload(Call call, String name, State.Token token) throws IOException {
    if (!call.method().equals("POST")) {
      call.body();
      methodNotAllowed(call);
      return;
    }
    byte[] body = call.body();
    metrics.uploadBytes(name, body.length);
    Optional<String> mount = call.query("mount");
    Optional<String> from = call.query("from");
    if (mount.isPresent() && from.isPresent()) {
      Optional<Digest> d = Optional.empty();
      try {
        d = Optional.of(Digest.parse(mount.get()));
      } catch (RuntimeException ignored) {
        // like distribution: an unusable mount request opens an ordinary session
      }
      Optional<State.App> source = state.app(State.appOf(from.get()));
      if (d.isPresent()
          && source.isPresent()
          && source.get().org().equals(token.org())
          && state.hasBlob(from.get(), d.get())) {
        state.linkBlob(name, d.get());
        call.setHeader("Location", base(call) + "/v2/" + name + "/blobs/" + d.get());
        call.setHeader("Docker-Content-Digest", d.get().toString());
        call.respond(201, null, null);
        return;
      }
    }
    State.Upload u = state.startUpload(name);
    sessionHeaders(call, u, 0);
    call.respond(202, null, null);
  }

  private void sessionHeaders(Call call, State.Upload u, long size) {
    call.setHeader(
        "Location",
        base(call)
            + "/v2/"
            + u.repo
            + "/blobs/uploads/"
            + u.uuid
            + "?_state="
            + state.uploadStates.pack(u.repo, u.uuid, size));
    call.setHeader("Range", "0-" + Math.max(0, size - 1));
    call.setHeader("Docker-Upload-UUID", u.uuid);
  }

  private void upload(Call call, String name, String uuid) throws IOException {
    byte[] body = call.body();
    if (!call.method().equals("GET")) {
      metrics.uploadBytes(name, body.length);
    }
    // the checks and their order of distribution 2.8.2's blob upload dispatcher
    Optional<UploadStates.Decoded> st =
        state.uploadStates.unpack(call.query("_state").orElse(null));
    if (st.isEmpty()) {
      error(
          call,
          404,
          "BLOB_UPLOAD_INVALID",
          "blob upload invalid",
          Call.JSON.createObjectNode()); // distribution's detail: an empty object
      return;
    }
    if (!st.get().repository().equals(name) || !st.get().uuid().equals(uuid)) {
      error(call, 404, "BLOB_UPLOAD_INVALID", "blob upload invalid", null);
      return;
    }
    State.Upload u = state.uploads.get(uuid);
    if (u == null || !u.repo.equals(name)) {
      error(call, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", uuid);
      return;
    }
    synchronized (u) {
      long size = u.data.size();
      if (st.get().offset() != size) {
        // a Location from before a later PATCH: distribution refuses it, the session lives on
        error(call, 404, "BLOB_UPLOAD_INVALID", "blob upload invalid", null);
        return;
      }
      switch (call.method()) {
        case "GET" -> {
          sessionHeaders(call, u, size);
          call.respond(204, null, null);
        }
        case "DELETE" -> {
          state.uploads.remove(uuid);
          call.respond(204, null, null);
        }
        case "PATCH" -> {
          if (!checkRange(call, u, size, body.length)) {
            return;
          }
          u.data.writeBytes(body);
          sessionHeaders(call, u, u.data.size());
          call.respond(202, null, null);
        }
        case "PUT" -> {
          Optional<String> digestParam = call.query("digest");
          Digest d;
          try {
            d = Digest.parse(digestParam.orElse(null));
          } catch (RuntimeException e) {
            error(
                call,
                400,
                "DIGEST_INVALID",
                "provided digest did not match uploaded content",
                null);
            return;
          }
          if (body.length > 0 && !checkRange(call, u, size, body.length)) {
            return;
          }
          byte[] content;
          if (u.data.size() == 0) {
            content = body; // a monolithic upload: no second copy of a large layer
          } else {
            u.data.writeBytes(body);
            content = u.data.toByteArray();
          }
          if (!d.matches(content)) {
            state.uploads.remove(uuid);
            error(
                call,
                400,
                "DIGEST_INVALID",
                "provided digest did not match uploaded content",
                "content digest is " + Digest.of(d.algorithm(), content));
            return;
          }
          state.uploads.remove(uuid);
          state.storeBlob(name, d, content);
          call.setHeader("Location", base(call) + "/v2/" + name + "/blobs/" + d);
          call.setHeader("Docker-Content-Digest", d.toString());
          call.respond(201, null, null);
        }
        default -> methodNotAllowed(call);
      }
    }
  }

  private boolean checkRange(Call call, State.Upload u, long size, int length) throws IOException {
    Optional<String> cr = call.header("Content-Range");
    if (cr.isEmpty()) {
      return true;
    }
    Matcher m = RANGE.matcher(cr.get().trim());
    if (!m.matches()) {
      error(call, 400, "BLOB_UPLOAD_INVALID", "blob upload invalid", "bad Content-Range");
      return false;
    }
    long start = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    if (start > end || start != size) {
      sessionHeaders(call, u, size);
      call.respond(416, null, null);
      return false;
    }
    if (end - start + 1 != length) {
      error(
          call,
          400,
          "BLOB_UPLOAD_INVALID",
          "blob upload invalid",
          "Content-Range covers " + (end - start + 1) + " bytes but the body has " + length);
      return false;
    }
    return true;
  }

  private static void methodNotAllowed(Call call) throws IOException {
    error(call, 405, "UNSUPPORTED", "The operation is unsupported.", null);
  }
}
