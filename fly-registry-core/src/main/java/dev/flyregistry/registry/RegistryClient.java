package dev.flyregistry.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.auth.Credentials;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.http.Bodies;
import dev.flyregistry.internal.http.Redaction;
import dev.flyregistry.internal.http.RetryExecutor;
import dev.flyregistry.internal.registry.ErrorBody;
import dev.flyregistry.internal.registry.Failures;
import dev.flyregistry.internal.registry.LinkHeader;
import dev.flyregistry.internal.registry.Parallel;
import dev.flyregistry.internal.registry.RegistryTransport;
import dev.flyregistry.internal.registry.Scope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A client for the OCI distribution (Docker registry v2) API: existence checks, manifests and tag
 * lists, with authentication ({@code Basic} and the {@code Bearer} token service), retries and
 * limits.
 *
 * <pre>{@code
 * try (RegistryClient registry = RegistryClient.builder()
 *     .credentials(Credentials.defaultChain(FlyToken.fromEnvironment()))
 *     .build()) {
 *   Optional<Descriptor> found = registry.head(ImageReference.parse("registry.fly.io/my-app:v1"));
 * }
 * }</pre>
 *
 * <p>Registries are reached over HTTPS, except loopback hosts ({@code 127.0.0.1}, {@code
 * localhost}, {@code [::1]}) and hosts marked with {@link Builder#insecureRegistries(String...)}.
 * Failures are {@link RegistryException}s: {@link RegistryAuthenticationException} (401), {@link
 * RegistryDeniedException} (403, {@code DENIED}), {@link RateLimitedException}, {@link
 * RegistryIoException}, {@link ManifestTooLargeException}, {@link DigestMismatchException}, {@link
 * TagListingUnsupportedException}, {@link ManifestFormatException}; reading the image to push fails
 * with {@link ImageSourceException}, and arguments that contradict each other (a target naming
 * another digest than the image's) with {@link IllegalArgumentException}. "Not found" in an
 * existence check is an answer ({@link Optional#empty()}, {@code false}), not an exception.
 *
 * <p>Instances are thread-safe; build one and share it. {@link #close()} releases its connections.
 * Interrupting a thread ends its call promptly, even one blocked on the network, with a {@link
 * RegistryIoException} (the thread's interrupt flag stays set).
 */
public final class RegistryClient implements AutoCloseable {
  /** The default limit on manifest size: 4 MiB. */
  public static final long DEFAULT_MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

  /** Blobs uploaded at once by default (capped by {@link HttpSettings#maxConcurrency()}). */
  public static final int DEFAULT_UPLOAD_CONCURRENCY = 4;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_TAG_PAGE_BYTES = 16L * 1024 * 1024;
  private static final int MAX_TAG_PAGES = 10_000;
  private static final Set<String> GENERIC_TYPES =
      Set.of("", "application/json", "text/plain", "application/octet-stream");

  private final RegistryTransport transport;
  private final long maxManifestBytes;
  private final int maxConcurrency;
  private final BlobUploads uploads;
  private final ImageTransfer images;

  private RegistryClient(Builder b) {
    this.transport = new RegistryTransport(b.http, b.credentials, b.insecure);
    this.maxManifestBytes = b.maxManifestBytes;
    this.maxConcurrency = b.http.maxConcurrency();
    this.uploads = new BlobUploads(transport, b.uploadChunkSize);
    this.images =
        new ImageTransfer(
            this,
            transport,
            uploads,
            b.uploadConcurrency > 0
                ? Math.min(b.uploadConcurrency, maxConcurrency)
                : Math.min(DEFAULT_UPLOAD_CONCURRENCY, maxConcurrency));
  }

  /**
   * @return a builder with anonymous credentials, {@link HttpSettings#defaults()} and a 4 MiB
   *     manifest limit
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The transport, for other operations of this package (push, copy). */
  RegistryTransport transport() {
    return transport;
  }

  /**
   * Checks whether a manifest exists, with {@code HEAD} (which registries do not count as a pull).
   * The digest, media type and size come from {@code Docker-Content-Digest}, {@code Content-Type}
   * and {@code Content-Length}; when the registry leaves one out, the manifest is fetched with
   * {@code GET} and described from its bytes.
   *
   * @param ref the image reference (tag or digest)
   * @return the manifest's descriptor, or empty when the registry answers the manifest request with
   *     404 (an unknown tag, digest or repository)
   * @throws RegistryException (a subtype) when the registry refuses or cannot be reached; also,
   *     with status 404, when the host's base {@code GET /v2/} answers 404 (it does not serve the
   *     registry API, so "missing" would be a wrong answer)
   */
  public Optional<Descriptor> head(ImageReference ref) {
    Objects.requireNonNull(ref, "ref");
    String registry = ref.registry();
    String repository = ref.repository();
    List<Scope> scopes = List.of(Scope.pull(repository));
    HttpUrl url = manifestUrl(ref);
    String op = "HEAD manifest " + ref;
    Failures.Context ctx = transport.context(registry, repository);
    Head head =
        transport.execute(
            registry,
            repository,
            scopes,
            op,
            () -> new Request.Builder().url(url).head().header("Accept", MediaTypes.acceptHeader()),
            RetryExecutor.Mode.IDEMPOTENT,
            response -> {
              if (response.code() == 404) {
                return new Head(false, null);
              }
              if (!response.isSuccessful()) {
                throw transport.failure(ctx, op, response, scopes);
              }
              Digest digest = BlobUploads.digestHeader(response, ctx, op);
              if (digest != null
                  && ref.digest().isPresent()
                  && !digest.algorithm().equals(ref.digest().get().algorithm())) {
                // a registry names content by its canonical (sha256) digest: digests of two
                // algorithms cannot be compared, the bytes can (GET checks them against the ref)
                return new Head(true, null);
              }
              if (digest != null
                  && ref.digest().isPresent()
                  && !digest.equals(ref.digest().get())) {
                throw new DigestMismatchException(
                    op
                        + ": the registry answered for "
                        + digest
                        + " (Docker-Content-Digest), not the requested digest",
                    ref.digest().get(),
                    digest,
                    registry,
                    repository);
              }
              if (digest == null && ref.digest().isPresent()) {
                digest = ref.digest().get();
              }
              String type = MediaTypes.essence(response.header("Content-Type"));
              long size = contentLength(response);
              if (digest == null || size < 0 || GENERIC_TYPES.contains(type)) {
                return new Head(true, null); // incomplete: describe it from a GET
              }
              return new Head(true, Descriptor.of(type, digest, size));
            });
    if (!head.found()) {
      return Optional.empty();
    }
    if (head.descriptor() != null) {
      return Optional.of(head.descriptor());
    }
    return fetch(ref, true).map(RegistryClient::describe);
  }

  private record Head(boolean found, Descriptor descriptor) {}

  private static Descriptor describe(Manifest m) {
    return m.descriptor();
  }

  /**
   * Whether a manifest exists ({@link #head(ImageReference)} without the details).
   *
   * @param ref the image reference
   * @return true when the registry has it, false when it answers the manifest request with 404
   * @throws RegistryException (a subtype) when the registry refuses or cannot be reached, or the
   *     host does not serve the registry API (see {@link #head(ImageReference)})
   */
  public boolean exists(ImageReference ref) {
    return head(ref).isPresent();
  }

  /**
   * Fetches a manifest with {@code GET}, keeping its exact bytes. The body may not exceed the
   * client's limit (checked from {@code Content-Length} and while reading); a reference by digest
   * must hash to that digest; a {@code Docker-Content-Digest} header, when present, must match the
   * bytes; the manifest's {@code mediaType} must agree with {@code Content-Type}.
   *
   * @param ref the image reference (tag or digest)
   * @return the parsed manifest
   * @throws RegistryException with status 404 ({@code MANIFEST_UNKNOWN}) when it does not exist;
   *     {@link ManifestTooLargeException}, {@link DigestMismatchException}, {@link
   *     ManifestFormatException} for content that fails the checks; other subtypes for refusals and
   *     network failures
   */
  public Manifest manifest(ImageReference ref) {
    Objects.requireNonNull(ref, "ref");
    return fetch(ref, false).orElseThrow();
  }

  /** {@link #manifest(ImageReference)} asking for other scopes (a copy shares one token). */
  Manifest manifest(ImageReference ref, List<Scope> scopes) {
    return fetch(ref, false, scopes).orElseThrow();
  }

  /** The platform Fly Machines run images on, chosen from an index by default. */
  private static final Platform FLY_PLATFORM = Platform.of("linux", "amd64");

  /** The largest image configuration read (real ones are a few KiB; history can grow them). */
  static final long MAX_CONFIG_BYTES = 8L * 1024 * 1024;

  /**
   * Reads an image's configuration (platform, entrypoint, command, environment, labels, layer diff
   * IDs): the manifest, then the configuration blob it names ({@code GET
   * /v2/<name>/blobs/<digest>}), verified against its digest. For a manifest list or index, the
   * image for {@code linux/amd64} (the platform Fly Machines run) is read; {@link
   * #config(ImageReference, Platform)} chooses another.
   *
   * @param ref the image reference (tag or digest)
   * @return the configuration
   * @throws PlatformNotFoundException when an index has no {@code linux/amd64} image
   * @throws ImageConfigException when the blob is too large or not an image configuration
   * @throws DigestMismatchException when the blob does not hash to its digest
   * @throws RegistryException (another subtype) when the manifest or blob is missing ({@code 404}),
   *     for refusals and network failures
   */
  public ImageConfig config(ImageReference ref) {
    return config(ref, FLY_PLATFORM);
  }

  /**
   * Reads an image's configuration, choosing the image for {@code platform} when {@code ref} names
   * a manifest list or index (operating system and architecture must match; the variant too when
   * {@code platform} names one, an entry without a variant having its architecture's default, so
   * that {@code linux/arm64/v8} finds an entry listed as {@code linux/arm64}). Attestation entries
   * ({@code unknown/unknown}) are never chosen. A single-platform manifest is read whatever its
   * platform.
   *
   * @param ref the image reference (tag or digest)
   * @param platform the platform to choose from an index
   * @return the configuration
   * @throws PlatformNotFoundException when an index has no image for the platform (it lists those
   *     it has)
   * @throws ImageConfigException when the blob is too large or not an image configuration
   * @throws DigestMismatchException when the blob does not hash to its digest
   * @throws RegistryException (another subtype) when the manifest or blob is missing ({@code 404}),
   *     for refusals and network failures
   */
  public ImageConfig config(ImageReference ref, Platform platform) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(platform, "platform");
    Manifest m = manifest(ref);
    ImageReference at = ref;
    if (m instanceof ManifestIndex index) {
      at = ref.withDigest(select(index, platform, ref).digest());
      m = manifest(at);
    }
    if (!(m instanceof ImageManifest image)) {
      throw new ManifestFormatException(
          "GET manifest "
              + at
              + ": an index names another index for "
              + platform
              + "; expected an image manifest");
    }
    Descriptor config = image.config();
    byte[] bytes = readConfig(at, config);
    return ImageConfigParser.parse(
        config.digest(),
        bytes,
        at.registry(),
        at.repository(),
        at.registry() + "/" + at.repository());
  }

  private static Descriptor select(ManifestIndex index, Platform wanted, ImageReference ref) {
    List<Platform> available = new ArrayList<>();
    for (Descriptor child : index.manifests()) {
      if (child.platform().isEmpty() || isAttestation(child)) {
        continue;
      }
      Platform p = child.platform().get();
      available.add(p);
      if (matches(p, wanted)) {
        return child;
      }
    }
    throw new PlatformNotFoundException(
        ref
            + " is a "
            + (index.mediaType().equals(MediaTypes.OCI_INDEX) ? "OCI index" : "manifest list")
            + " without an image for "
            + wanted
            + "; it has "
            + (available.isEmpty()
                ? "no platforms listed"
                : available.stream().map(Platform::toString).collect(Collectors.joining(", "))),
        wanted,
        available,
        ref.registry(),
        ref.repository());
  }

  /**
   * Whether an index entry runs on the wanted platform: the same operating system and architecture
   * and, when {@code wanted} names a variant, the same variant. Variants compare as the OCI image
   * spec writes them: an entry without a variant has its architecture's default ({@code v8} for
   * {@code arm64}, {@code v1} for {@code amd64}), and {@code 8} means {@code v8}.
   */
  static boolean matches(Platform entry, Platform wanted) {
    String arch = entry.architecture().toLowerCase(Locale.ROOT);
    if (!entry.os().equalsIgnoreCase(wanted.os())
        || !arch.equals(wanted.architecture().toLowerCase(Locale.ROOT))) {
      return false;
    }
    return wanted.variant().isEmpty()
        || variant(arch, wanted.variant()).equals(variant(arch, entry.variant()));
  }

  private static String variant(String arch, Optional<String> variant) {
    String v = variant.map(x -> x.trim().toLowerCase(Locale.ROOT)).orElse("");
    if (!v.isEmpty() && Character.isDigit(v.charAt(0))) {
      v = "v" + v;
    }
    if (v.isEmpty()) {
      return switch (arch) {
        case "arm64" -> "v8";
        case "amd64" -> "v1";
        default -> "";
      };
    }
    return v;
  }

  /**
   * Whether an index entry is an attestation (build provenance, SBOM) rather than an image: buildx
   * lists them with the platform {@code unknown/unknown} and a {@code vnd.docker.reference.type}
   * annotation.
   */
  private static boolean isAttestation(Descriptor child) {
    if ("attestation-manifest".equals(child.annotations().get("vnd.docker.reference.type"))) {
      return true;
    }
    Platform p = child.platform().orElseThrow();
    return p.os().equals("unknown") && p.architecture().equals("unknown");
  }

  /** {@code GET} of a configuration blob: bounded, digest-verified. */
  private byte[] readConfig(ImageReference at, Descriptor config) {
    String registry = at.registry();
    String repository = at.repository();
    String op = "GET blob " + registry + "/" + repository + "@" + config.digest();
    if (config.size() > MAX_CONFIG_BYTES) {
      throw new ImageConfigException(
          op
              + ": the manifest gives the image config "
              + config.size()
              + " bytes, over the limit of "
              + MAX_CONFIG_BYTES,
          registry,
          repository,
          null);
    }
    List<Scope> scopes = List.of(Scope.pull(repository));
    HttpUrl url = transport.blobUrl(registry, repository, config.digest().toString());
    Failures.Context ctx = transport.context(registry, repository);
    return transport.execute(
        registry,
        repository,
        scopes,
        op,
        () -> new Request.Builder().url(url).get(),
        RetryExecutor.Mode.IDEMPOTENT,
        response -> {
          if (!response.isSuccessful()) {
            throw transport.failure(ctx, op, response, scopes);
          }
          byte[] bytes = Bodies.readAtMost(response.body(), MAX_CONFIG_BYTES);
          if (bytes == null) {
            throw new ImageConfigException(
                op + ": the body exceeds the limit of " + MAX_CONFIG_BYTES + " bytes",
                registry,
                repository,
                null);
          }
          if (!config.digest().matches(bytes)) {
            Digest actual = Digest.of(config.digest().algorithm(), bytes);
            throw new DigestMismatchException(
                op + ": the " + bytes.length + " bytes received hash to " + actual,
                config.digest(),
                actual,
                registry,
                repository);
          }
          return bytes;
        });
  }

  private Optional<Manifest> fetch(ImageReference ref, boolean emptyWhenMissing) {
    return fetch(ref, emptyWhenMissing, List.of(Scope.pull(ref.repository())));
  }

  private Optional<Manifest> fetch(
      ImageReference ref, boolean emptyWhenMissing, List<Scope> scopes) {
    String registry = ref.registry();
    String repository = ref.repository();
    HttpUrl url = manifestUrl(ref);
    String op = "GET manifest " + ref;
    Failures.Context ctx = transport.context(registry, repository);
    Manifest m =
        transport.execute(
            registry,
            repository,
            scopes,
            op,
            () -> new Request.Builder().url(url).get().header("Accept", MediaTypes.acceptHeader()),
            RetryExecutor.Mode.IDEMPOTENT,
            response -> {
              if (response.code() == 404 && emptyWhenMissing) {
                return null;
              }
              if (!response.isSuccessful()) {
                throw transport.failure(ctx, op, response, scopes);
              }
              byte[] bytes = readManifest(response, ref, op);
              if (ref.digest().isPresent() && !ref.digest().get().matches(bytes)) {
                Digest expected = ref.digest().get();
                throw new DigestMismatchException(
                    op
                        + ": the "
                        + bytes.length
                        + " bytes received hash to "
                        + Digest.of(expected.algorithm(), bytes)
                        + ", not to the requested digest",
                    expected,
                    Digest.of(expected.algorithm(), bytes),
                    registry,
                    repository);
              }
              Digest header = BlobUploads.digestHeader(response, ctx, op);
              if (header != null && !header.matches(bytes)) {
                throw new DigestMismatchException(
                    op
                        + ": the Docker-Content-Digest header says "
                        + header
                        + " but the "
                        + bytes.length
                        + " bytes received hash to "
                        + Digest.of(header.algorithm(), bytes),
                    header,
                    Digest.of(header.algorithm(), bytes),
                    registry,
                    repository);
              }
              try {
                return Manifest.parse(bytes, response.header("Content-Type"));
              } catch (ManifestFormatException e) {
                throw new ManifestFormatException(op + ": " + e.getMessage(), e);
              }
            });
    return Optional.ofNullable(m);
  }

  private byte[] readManifest(Response response, ImageReference ref, String op) throws IOException {
    long declared = contentLength(response);
    if (declared > maxManifestBytes) {
      throw new ManifestTooLargeException(
          op
              + ": the registry declares "
              + declared
              + " bytes (Content-Length), over the limit of "
              + maxManifestBytes
              + " bytes",
          maxManifestBytes,
          declared,
          ref.registry(),
          ref.repository());
    }
    byte[] bytes = Bodies.readAtMost(response.body(), maxManifestBytes);
    if (bytes == null) {
      throw new ManifestTooLargeException(
          op + ": the body exceeds the limit of " + maxManifestBytes + " bytes",
          maxManifestBytes,
          declared,
          ref.registry(),
          ref.repository());
    }
    return bytes;
  }

  private static long contentLength(Response response) {
    String v = response.header("Content-Length");
    if (v == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(v.trim());
      return n < 0 ? -1 : n;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private HttpUrl manifestUrl(ImageReference ref) {
    return transport
        .baseUrl(ref.registry())
        .newBuilder()
        .addPathSegments(ref.repository())
        .addPathSegment("manifests")
        .addPathSegment(ref.reference())
        .build();
  }

  /**
   * Checks many references at once: {@link #head(ImageReference)} for each, at most {@link
   * HttpSettings#maxConcurrency()} at a time over kept-alive connections, sharing one token per
   * scope.
   *
   * @param refs the references (duplicates are checked once)
   * @return each reference's descriptor or empty, in the order of {@code refs}
   * @throws RegistryException the first failure of any check (the others are cancelled)
   */
  public Map<ImageReference, Optional<Descriptor>> existsAll(Collection<ImageReference> refs) {
    Objects.requireNonNull(refs, "refs");
    List<ImageReference> unique = new ArrayList<>(new LinkedHashSet<>(refs));
    if (unique.contains(null)) {
      throw new IllegalArgumentException("refs must not contain null");
    }
    Map<ImageReference, Optional<Descriptor>> out = new LinkedHashMap<>();
    if (unique.isEmpty()) {
      return out;
    }
    List<Optional<Descriptor>> found =
        Parallel.map(unique, maxConcurrency, "existsAll", ImageReference::registry, this::head);
    for (int i = 0; i < unique.size(); i++) {
      out.put(unique.get(i), found.get(i));
    }
    return out;
  }

  /**
   * Lists a repository's tags ({@code GET /v2/<name>/tags/list}), following {@code Link: <...>;
   * rel="next"} pages.
   *
   * @param repository a reference naming the registry and repository (its tag or digest is ignored)
   * @return the tags, in the registry's order
   * @throws TagListingUnsupportedException when the registry refuses listing (404, 405, 501, {@code
   *     UNSUPPORTED}); Fly's registry documents no listing API
   * @throws RegistryException (another subtype) for other refusals and network failures
   */
  public List<String> tags(ImageReference repository) {
    Objects.requireNonNull(repository, "repository");
    return tags(repository.registry(), repository.repository());
  }

  /**
   * Lists a repository's tags, following {@code Link} pages.
   *
   * @param registry the registry host ({@code registry.fly.io}, {@code 127.0.0.1:5000})
   * @param repository the repository ({@code my-app}, {@code library/nginx})
   * @return the tags, in the registry's order
   * @throws TagListingUnsupportedException when the registry refuses listing
   * @throws RegistryException (another subtype) for other refusals and network failures
   */
  public List<String> tags(String registry, String repository) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    // validate the names the way references are validated
    ImageReference checked = ImageReference.of(registry, repository, null);
    String reg = checked.registry();
    String repo = checked.repository();
    List<Scope> scopes = List.of(Scope.pull(repo));
    Failures.Context ctx = transport.context(reg, repo);
    HttpUrl next =
        transport
            .baseUrl(reg)
            .newBuilder()
            .addPathSegments(repo)
            .addPathSegments("tags/list")
            .build();
    List<String> tags = new ArrayList<>();
    Set<HttpUrl> seen = new HashSet<>();
    for (int page = 0; next != null; page++) {
      if (page >= MAX_TAG_PAGES || !seen.add(next)) {
        throw new RegistryException(
            "tag list of "
                + ctx.where()
                + ": the registry's Link pagination does not end (page "
                + (page + 1)
                + ", "
                + Redaction.url(next)
                + ")",
            200,
            List.of(),
            reg,
            repo,
            null);
      }
      HttpUrl url = next;
      String op = "GET tags " + ctx.where() + (page == 0 ? "" : " (page " + (page + 1) + ")");
      TagPage p =
          transport.execute(
              reg,
              repo,
              scopes,
              op,
              () -> new Request.Builder().url(url).get().header("Accept", "application/json"),
              RetryExecutor.Mode.IDEMPOTENT,
              response -> tagPage(response, ctx, op, scopes));
      tags.addAll(p.tags());
      next = p.next();
    }
    return List.copyOf(tags);
  }

  private record TagPage(List<String> tags, HttpUrl next) {}

  private TagPage tagPage(Response response, Failures.Context ctx, String op, List<Scope> scopes)
      throws IOException {
    int code = response.code();
    if (code == 404 || code == 405 || code == 501) {
      ErrorBody body = ErrorBody.read(response);
      String d = Failures.describe(ctx, body);
      throw new TagListingUnsupportedException(
          op
              + ": "
              + code
              + " from "
              + ctx.registry()
              + (d.isEmpty() ? "" : " (" + d + ")")
              + ": the registry does not list tags of this repository (it may not exist, or the"
              + " registry offers no tag listing"
              + (ImageReference.FLY_REGISTRY.equals(ctx.registry())
                  ? "; Fly's registry documents none: list the images of past releases instead)"
                  : ")"),
          code,
          Failures.errors(ctx, body),
          ctx.registry(),
          ctx.repository(),
          null);
    }
    if (!response.isSuccessful()) {
      RegistryException e = transport.failure(ctx, op, response, scopes);
      if (e.hasCode(RegistryErrorCode.UNSUPPORTED)) {
        throw new TagListingUnsupportedException(
            e.getMessage(), e.status(), e.errors(), ctx.registry(), ctx.repository(), null);
      }
      throw e;
    }
    byte[] bytes = readBounded(response.body(), MAX_TAG_PAGE_BYTES, ctx, op);
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      throw new RegistryException(
          op + ": the tag list is not a JSON object",
          code,
          List.of(),
          ctx.registry(),
          ctx.repository(),
          null);
    }
    List<String> tags = new ArrayList<>();
    JsonNode arr = root.get("tags");
    if (arr != null && !arr.isNull()) {
      if (!arr.isArray()) {
        throw new RegistryException(
            op + ": \"tags\" is not an array",
            code,
            List.of(),
            ctx.registry(),
            ctx.repository(),
            null);
      }
      for (JsonNode t : arr) {
        if (t.isTextual()) {
          tags.add(t.asText());
        }
      }
    }
    HttpUrl base = response.request().url();
    Optional<String> link = LinkHeader.find(response.headers("Link"), "next");
    HttpUrl next = link.map(base::resolve).orElse(null);
    if (link.isPresent() && next == null) {
      // stopping here would return a partial list as if it were complete
      throw new RegistryException(
          op
              + ": the Link header names a next page that is not an http(s) URL (\""
              + ctx.scrub(abbreviate(link.get()))
              + "\"); the tag list cannot be read to its end",
          code,
          List.of(),
          ctx.registry(),
          ctx.repository(),
          null);
    }
    return new TagPage(tags, next);
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static byte[] readBounded(ResponseBody body, long limit, Failures.Context ctx, String op)
      throws IOException {
    byte[] bytes = Bodies.readAtMost(body, limit);
    if (bytes == null) {
      throw new RegistryException(
          op + ": the response exceeds " + limit + " bytes",
          200,
          List.of(),
          ctx.registry(),
          ctx.repository(),
          null);
    }
    return bytes;
  }

  // ------------------------------------------------------------------ write path

  /**
   * Checks whether a repository holds a blob ({@code HEAD /v2/<name>/blobs/<digest>}).
   *
   * @param repository a reference naming the registry and repository (its tag or digest is ignored)
   * @param digest the blob's digest
   * @return true when the registry has it, false on 404
   * @throws RegistryException (a subtype) when the registry refuses or cannot be reached
   */
  public boolean blobExists(ImageReference repository, Digest digest) {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    return uploads.exists(
        new BlobUploads.Target(
            repository.registry(),
            repository.repository(),
            List.of(Scope.pull(repository.repository()))),
        digest);
  }

  /**
   * Pushes an image: {@link #push(ImageSource, ImageReference, PushProgress)} without progress.
   *
   * @param source the image (an OCI layout, a {@code docker save} archive, ...)
   * @param target where to push it ({@code registry.fly.io/my-app:v1})
   * @return what was pushed
   * @throws IllegalArgumentException when the target names another digest than the image's manifest
   *     (nothing is written)
   * @throws RegistryException (a subtype) when the registry refuses or cannot be reached
   * @throws ImageSourceException when the source cannot be read
   */
  public PushResult push(ImageSource source, ImageReference target) {
    return push(source, target, PushProgress.none());
  }

  /**
   * Pushes an image. Every blob is checked with {@code HEAD} and skipped when the target already
   * has it; the others are uploaded, several at once ({@link Builder#uploadConcurrency(int)}), in
   * one {@code PUT} or in chunks ({@link Builder#uploadChunkSize(long)}), streamed from the source
   * with their digest computed on the way and checked before each upload is closed. A failed upload
   * is retried as a new session. Foreign (Docker) and non-distributable (OCI) layers that list
   * {@code urls} are not pushed: clients fetch them from there. For an index, every child manifest
   * is pushed (by digest) before the index; the root manifest is stored under the target's tag (or
   * digest) with its exact bytes, and the digest the registry answers must match.
   *
   * @param source the image
   * @param target where to push it; a digest in it must be the image's
   * @param progress receives per-blob progress, from worker threads
   * @return the pushed digest, media type and size, and what was sent or skipped
   * @throws IllegalArgumentException when the target names another digest than the image's manifest
   *     (nothing is written)
   * @throws DigestMismatchException when a blob of the source does not hash to its digest, or the
   *     registry reports another digest for what was stored
   * @throws ImageSourceException when the source cannot be read, or a blob of it ends before the
   *     size its descriptor gives (not retried)
   * @throws RegistryException (another subtype) when the registry refuses or cannot be reached
   */
  public PushResult push(ImageSource source, ImageReference target, PushProgress progress) {
    return images.push(source, target, progress);
  }

  /**
   * Copies an image: {@link #copy(ImageReference, ImageReference, PushProgress)} without progress.
   *
   * @param source the image to copy ({@code registry.fly.io/app-1:v1})
   * @param target where to copy it ({@code registry.fly.io/app-2:v1})
   * @return what was copied and how many bytes moved
   * @throws IllegalArgumentException when the target names another digest than the source
   *     manifest's (nothing is written)
   * @throws RegistryException (a subtype) when a registry refuses or cannot be reached
   */
  public CopyResult copy(ImageReference source, ImageReference target) {
    return copy(source, target, PushProgress.none());
  }

  /**
   * Copies an image, with the same manifest bytes and digest. Within one registry each blob the
   * target lacks is mounted from the source repository ({@code POST
   * /v2/<target>/blobs/uploads/?mount=<digest>&from=<source>}), so no layer bytes move; when the
   * registry answers {@code 202} instead, the blob is uploaded into the session it opened, and a
   * failed mount is retried once as a plain upload. Between registries, blobs stream from a {@code
   * GET} on the source into the upload on the target, never held in memory. Indexes are copied with
   * all their children. On one registry the token asks for {@code pull,push} on the target and
   * {@code pull} on the source at once.
   *
   * @param source the image to copy (tag or digest)
   * @param target where to copy it: stored under its tag, or under its digest when it has no tag; a
   *     digest in it must be the source's
   * @param progress receives per-blob progress, from worker threads
   * @return what was copied; {@link CopyResult#bytesSent()} is 0 when every blob was mounted or
   *     already there
   * @throws IllegalArgumentException when the target names another digest than the source
   *     manifest's (nothing is written)
   * @throws DigestMismatchException when a blob streamed from the source does not hash to its
   *     digest (it is not stored), or the target reports another digest for what it stored
   * @throws RegistryException (another subtype) when a registry refuses or cannot be reached; blobs
   *     already stored stay, but no manifest is stored unless all of its blobs are
   */
  public CopyResult copy(ImageReference source, ImageReference target, PushProgress progress) {
    return images.copy(source, target, progress);
  }

  /**
   * Stores an image's manifest under another tag of the same repository: the exact bytes are
   * fetched and put back, so the digest does not change.
   *
   * @param ref the image (tag or digest)
   * @param newTag the new tag
   * @return the tagged manifest's descriptor
   * @throws InvalidReferenceException when {@code newTag} is not a valid tag
   * @throws RegistryException (a subtype) when the image does not exist or the registry refuses
   */
  public Descriptor tag(ImageReference ref, String newTag) {
    return images.tag(ref, newTag);
  }

  /**
   * Stores a manifest as it is (its exact bytes, {@code Content-Type} its media type) under the
   * reference's tag, or under its digest when it has no tag. As with {@link #push(ImageSource,
   * ImageReference, PushProgress)}, a target with both ({@code registry/app:v1@sha256:...}) is
   * stored under the tag, and its digest must be the manifest's. The blobs and child manifests it
   * names must already be in the repository.
   *
   * @param manifest the manifest
   * @param target where to store it; a digest in it must be the manifest's
   * @return the stored manifest's descriptor
   * @throws IllegalArgumentException when the target names another digest than the manifest's
   * @throws DigestMismatchException when the registry answers another digest
   * @throws RegistryException (another subtype) when the registry refuses or cannot be reached
   */
  public Descriptor pushManifest(Manifest manifest, ImageReference target) {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(target, "target");
    if (target.digest().isPresent() && !target.digest().get().equals(manifest.digest())) {
      throw new IllegalArgumentException(
          "target " + target + " names another digest than the manifest's " + manifest.digest());
    }
    return uploads.putManifest(
        new BlobUploads.Target(
            target.registry(), target.repository(), List.of(Scope.pullPush(target.repository()))),
        manifest,
        target.tag().orElseGet(target::reference)); // by tag when there is one, like push
  }

  /**
   * Deletes a manifest by digest ({@code DELETE /v2/<name>/manifests/<digest>}), where the registry
   * allows it. Registries delete by digest only: resolve a tag with {@link #head(ImageReference)}
   * first.
   *
   * @param ref a reference with a digest
   * @return true when deleted, false when the registry does not have it
   * @throws InvalidReferenceException when {@code ref} has no digest
   * @throws RegistryUnsupportedException when the registry does not allow deletes (405, {@code
   *     UNSUPPORTED})
   * @throws RegistryException (another subtype) when the registry refuses or cannot be reached
   */
  public boolean delete(ImageReference ref) {
    Objects.requireNonNull(ref, "ref");
    if (ref.digest().isEmpty()) {
      throw new InvalidReferenceException(
          ref.toString(),
          -1,
          "delete needs a digest (name@sha256:...): registries delete manifests by digest, not by"
              + " tag; resolve the tag with head() first");
    }
    return uploads.deleteManifest(
        new BlobUploads.Target(
            ref.registry(),
            ref.repository(),
            List.of(new Scope("repository", ref.repository(), Set.of("delete")))),
        ref.digest().get());
  }

  /** Releases the client's connections and threads (not those of a caller's own OkHttp client). */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "RegistryClient{maxManifestBytes="
        + maxManifestBytes
        + ", http="
        + transport.settings()
        + '}';
  }

  /** Builds a {@link RegistryClient}. Not thread-safe; the client it builds is. */
  public static final class Builder {
    private Credentials credentials = Credentials.anonymous();
    private HttpSettings http = HttpSettings.defaults();
    private final Set<String> insecure = new LinkedHashSet<>();
    private long maxManifestBytes = DEFAULT_MAX_MANIFEST_BYTES;
    private long uploadChunkSize;
    private int uploadConcurrency;

    private Builder() {}

    /**
     * Uploads blobs in chunks ({@code PATCH} with {@code Content-Range}) of this size instead of in
     * one {@code PUT}. A registry's {@code OCI-Chunk-Min-Length} raises it; each upload then holds
     * one chunk in memory (at most 256 MiB; a registry asking for more gets a single {@code PUT}).
     *
     * @param bytes the chunk size; 0 (the default) for one streamed {@code PUT} per blob
     * @return this builder
     */
    public Builder uploadChunkSize(long bytes) {
      if (bytes < 0 || bytes > BlobUploads.MAX_CHUNK) {
        throw new IllegalArgumentException(
            "uploadChunkSize must be between 0 and " + BlobUploads.MAX_CHUNK + ", was " + bytes);
      }
      this.uploadChunkSize = bytes;
      return this;
    }

    /**
     * @param blobs how many blobs a push or copy sends at once (default {@value
     *     #DEFAULT_UPLOAD_CONCURRENCY}, capped by {@link HttpSettings#maxConcurrency()})
     * @return this builder
     */
    public Builder uploadConcurrency(int blobs) {
      if (blobs < 1) {
        throw new IllegalArgumentException("uploadConcurrency must be at least 1, was " + blobs);
      }
      this.uploadConcurrency = blobs;
      return this;
    }

    /**
     * @param value where credentials come from (default: anonymous)
     * @return this builder
     */
    public Builder credentials(Credentials value) {
      this.credentials = Objects.requireNonNull(value, "credentials");
      return this;
    }

    /**
     * @param value timeouts, retries, clock, sleeper, concurrency (default: {@link
     *     HttpSettings#defaults()})
     * @return this builder
     */
    public Builder http(HttpSettings value) {
      this.http = Objects.requireNonNull(value, "http");
      return this;
    }

    /**
     * Allows plain HTTP to these registries (and credentials over it). Loopback hosts use plain
     * HTTP without being listed.
     *
     * @param hosts {@code host} (every port) or {@code host:port}
     * @return this builder
     */
    public Builder insecureRegistries(String... hosts) {
      for (String h : hosts) {
        Objects.requireNonNull(h, "host");
        if (h.isBlank() || h.contains("/")) {
          throw new IllegalArgumentException(
              "an insecure registry is a host or host:port, not \"" + h + "\"");
        }
        insecure.add(h.trim().toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * @param value the largest manifest accepted, in bytes (default 4 MiB)
     * @return this builder
     */
    public Builder maxManifestBytes(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxManifestBytes must be positive, was " + value);
      }
      this.maxManifestBytes = value;
      return this;
    }

    /**
     * @return the client
     */
    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }
}
