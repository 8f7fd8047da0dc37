package dev.flyregistry.testkit;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.machines.RateLimit;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.ManifestFormatException;
import dev.flyregistry.registry.MediaTypes;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.testkit.internal.FaultEngine;
import dev.flyregistry.testkit.internal.FlyApi;
import dev.flyregistry.testkit.internal.MachinesApi;
import dev.flyregistry.testkit.internal.Metrics;
import dev.flyregistry.testkit.internal.RegistryApi;
import dev.flyregistry.testkit.internal.Server;
import dev.flyregistry.testkit.internal.State;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local Fly.io for integration tests: the registry ({@code registry.fly.io}), the Machines API
 * ({@code api.machines.dev}) and {@code api.fly.io} (GraphQL and release records), each on its own
 * ephemeral port of 127.0.0.1, in process. No Fly account, network or Docker is needed.
 *
 * <pre>{@code
 * try (FlyEmulator fly = FlyEmulator.start()) {
 *   fly.createOrganization("personal");
 *   String token = fly.createToken("personal");
 *   fly.createApp("personal", "app-1");
 *   EmulatedImage image = fly.pushImage("app-1", "v1");
 *   // point clients at fly.registryHost(), fly.machinesUrl(), fly.graphqlUrl(), fly.releasesUrl()
 * }
 * }</pre>
 *
 * <p><b>Registry</b> ({@link #registryUrl()}): {@code GET /v2/} answers a {@code Basic} challenge;
 * the username is {@code x} and the password a token from {@link #createToken(String)} (or any
 * comma-separated list of parts of which one belongs to an issued token, like Fly's macaroons).
 * Repositories are the apps of the token's organization ({@code app} or {@code app/path}); an app
 * of another organization gets 403 {@code DENIED}, an app that does not exist 404 {@code
 * NAME_UNKNOWN}. Manifests, blobs, uploads (monolithic, chunked, cross-repository mount within an
 * organization) and tag listing behave like the CNCF distribution registry 2.8.2: an OCI manifest
 * or index requested without its type in {@code Accept} is 404 {@code MANIFEST_UNKNOWN}; a Docker
 * manifest list requested by tag without its type yields its linux/amd64 image; a manifest is
 * refused ({@code MANIFEST_BLOB_UNKNOWN}) unless its blobs or child manifests are in the
 * repository; {@code DELETE} of a manifest works by digest only (by tag: 400 {@code
 * DIGEST_INVALID}); a {@code POST} of an upload with {@code ?digest=} opens an ordinary session.
 * Differences: a {@code PATCH} whose {@code Content-Range} does not start where the upload ends
 * gets 416, as the OCI distribution spec requires (2.8.2 appends regardless); tag lists honour
 * {@code n}/{@code last} and send {@code Link: <...>; rel="next"}; Docker v2 manifests are served
 * whatever {@code Accept} says; only sha256 manifests can be pushed by digest; {@code /v2/_catalog}
 * is not offered (Fly has none).
 *
 * <p><b>Machines API</b> ({@link #machinesUrl()}): apps (create, with 422 {@code name_taken}; get;
 * list by {@code org_slug}; delete), machines (list, get, create, update, start, stop, delete),
 * leases ({@code fly-machine-lease-nonce}; 409 on conflict) and {@code wait} (408 on timeout). A
 * machine's image on this registry must exist in the app's organization. Machines reach the state
 * they are asked for at once; {@link #setMachineState} changes it from a test.
 *
 * <p><b>Releases</b>: {@code POST {releasesUrl}/releases} with {@code app_name}, {@code image} (and
 * optional {@code description}, {@code status}) records a release; {@code PATCH
 * {releasesUrl}/releases/{id}} with {@code status} finishes it. {@code POST} {@link #graphqlUrl()}
 * executes a subset of Fly's schema: {@code app(name) { releasesUnprocessed
 * currentReleaseUnprocessed image(ref) ... }} and {@code appNameAvailable(name)}. APIs take {@code
 * Authorization: FlyV1 <token>} or {@code Bearer <token>}.
 *
 * <p>Its servers are the JDK's HTTP server; unless the JVM already says otherwise, the emulator
 * sets {@code sun.net.httpserver.nodelay=true} (read once, when the JVM's first such server starts)
 * so that its answers are not held back by Nagle's algorithm (about 40 ms per request on Linux).
 *
 * <p>Thread-safe. Every instance is independent; {@link #close()} stops it.
 */
public final class FlyEmulator implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final State state;
  private final Metrics metrics = new Metrics();
  private final FaultEngine faultEngine = new FaultEngine();
  private final ExecutorService executor;
  private final Server registry;
  private final Server machines;
  private final Server api;
  private final Faults faults = new Faults(faultEngine);
  private final EmulatorMetrics emulatorMetrics = new EmulatorMetrics(metrics);
  private volatile boolean closed;

  private FlyEmulator(Builder b) {
    this.state = new State(b.clock);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "fly-emulator-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.executor = Executors.newCachedThreadPool(threads);
    Server reg = null;
    Server mach = null;
    Server fly = null;
    try {
      RegistryApi.Settings settings =
          new RegistryApi.Settings(b.realm, b.relativeLocations, b.defaultTagPageSize);
      reg = new Server(new RegistryApi(state, metrics, settings), metrics, faultEngine, executor);
      mach = new Server(new MachinesApi(state, b.maxWait), metrics, faultEngine, executor);
      fly = new Server(new FlyApi(state), metrics, faultEngine, executor);
    } catch (RuntimeException e) {
      for (Server s : new Server[] {reg, mach, fly}) {
        if (s != null) {
          s.close();
        }
      }
      executor.shutdownNow();
      throw e;
    }
    this.registry = reg;
    this.machines = mach;
    this.api = fly;
    state.registryHosts(
        Set.of("registry.fly.io", registry.hostPort(), "localhost:" + registry.port()));
  }

  /**
   * Starts an emulator with the default settings.
   *
   * @return the running emulator
   */
  public static FlyEmulator start() {
    return builder().start();
  }

  /**
   * @return a builder of emulator settings
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings of an emulator. Not thread-safe; {@link #start()} may be called more than once. */
  public static final class Builder {
    private boolean relativeLocations;
    private int defaultTagPageSize;
    private Duration maxWait = Duration.ofSeconds(60);
    private String realm = "fly-registry-emulator";
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Whether upload and manifest {@code Location} headers are relative paths (distribution's
     * {@code http.relativeurls}) instead of absolute URLs. Default: absolute.
     *
     * @param relative true for relative
     * @return this builder
     */
    public Builder relativeLocations(boolean relative) {
      this.relativeLocations = relative;
      return this;
    }

    /**
     * Tags per page of {@code /v2/<name>/tags/list} when the client sends no {@code n}. Default 0:
     * all tags in one page.
     *
     * @param size tags per page, 0 for all
     * @return this builder
     */
    public Builder defaultTagPageSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("page size must not be negative, was " + size);
      }
      this.defaultTagPageSize = size;
      return this;
    }

    /**
     * The longest a Machines API {@code wait} blocks, whatever its {@code timeout}. Default 60 s.
     *
     * @param maxWait the cap
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
      }
      this.maxWait = maxWait;
      return this;
    }

    /**
     * The realm of the registry's {@code Basic} challenge.
     *
     * @param realm the realm text
     * @return this builder
     */
    public Builder realm(String realm) {
      this.realm = Objects.requireNonNull(realm, "realm");
      return this;
    }

    /**
     * The clock of timestamps and lease expiry. Default: the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Starts an emulator with these settings.
     *
     * @return the running emulator
     */
    public FlyEmulator start() {
      return new FlyEmulator(this);
    }
  }

  // ---------------------------------------------------------------------------- endpoints

  /**
   * @return the registry host as image references use it: {@code 127.0.0.1:PORT}
   */
  public String registryHost() {
    return registry.hostPort();
  }

  /**
   * @return the registry base URL, {@code http://127.0.0.1:PORT} (the API is under {@code /v2/})
   */
  public String registryUrl() {
    return "http://" + registry.hostPort();
  }

  /**
   * @return the Machines API base URL, {@code http://127.0.0.1:PORT/v1}
   */
  public String machinesUrl() {
    return "http://" + machines.hostPort() + "/v1";
  }

  /**
   * @return the root of the emulated {@code api.fly.io}, {@code http://127.0.0.1:PORT}
   */
  public String apiUrl() {
    return "http://" + api.hostPort();
  }

  /**
   * @return the GraphQL endpoint, {@code http://127.0.0.1:PORT/graphql}
   */
  public String graphqlUrl() {
    return apiUrl() + "/graphql";
  }

  /**
   * @return the base of the release records API, {@code http://127.0.0.1:PORT/api/v1} (records are
   *     posted to {@code <base>/releases})
   */
  public String releasesUrl() {
    return apiUrl() + "/api/v1";
  }

  // ---------------------------------------------------------------------------- accounts

  /**
   * Creates an organization.
   *
   * @param slug its slug ({@code personal}, {@code my-team}: lower-case letters, digits, {@code -})
   * @return the slug
   * @throws IllegalArgumentException when the slug is invalid or exists
   */
  public String createOrganization(String slug) {
    return state.createOrg(slug).slug();
  }

  /**
   * Issues a token of an organization, in Fly's macaroon style: two comma-separated {@code fm2_}
   * parts (without a {@code FlyV1 } prefix). It authenticates to the registry (username {@code x})
   * and, behind {@code FlyV1 } or {@code Bearer }, to the APIs. Its user is {@code
   * <slug>@users.emulator.test}.
   *
   * @param org the organization slug
   * @return the token text
   * @throws IllegalArgumentException when the organization does not exist
   */
  public String createToken(String org) {
    return createToken(org, org + "@users.emulator.test", null);
  }

  /**
   * Issues a token for a named user (the user appears on the releases it records).
   *
   * @param org the organization slug
   * @param email the user's e-mail
   * @param userName the user's display name, or null
   * @return the token text
   * @throws IllegalArgumentException when the organization does not exist
   */
  public String createToken(String org, String email, String userName) {
    Objects.requireNonNull(email, "email");
    return state.createToken(org, email, userName).text();
  }

  /**
   * Creates an app, and with it the repository {@code <registryHost>/<name>}.
   *
   * @param org the organization slug
   * @param name the app name (a DNS label: {@code [a-z0-9-]}, 1-63, no leading or trailing {@code
   *     -})
   * @throws IllegalArgumentException when the organization is unknown, or the name invalid or taken
   */
  public void createApp(String org, String name) {
    state.createApp(org, name);
  }

  /**
   * @param name an app name
   * @return whether the app exists
   */
  public boolean appExists(String name) {
    return state.app(name).isPresent();
  }

  /**
   * @param org an organization slug
   * @return the names of its apps, in creation order
   */
  public List<String> apps(String org) {
    return state.apps(org).stream().map(State.App::name).toList();
  }

  /**
   * Deletes an app with its images, machines and releases.
   *
   * @param name the app
   * @return whether it existed
   */
  public boolean deleteApp(String name) {
    return state.deleteApp(name);
  }

  // ---------------------------------------------------------------------------- registry content

  private void requireApp(String repository) {
    Objects.requireNonNull(repository, "repository");
    if (state.app(State.appOf(repository)).isEmpty()) {
      throw new IllegalArgumentException(
          "no app \"" + State.appOf(repository) + "\" for repository \"" + repository + "\"");
    }
  }

  /**
   * Stores a blob in a repository.
   *
   * @param repository the repository ({@code app-1} or {@code app-1/path})
   * @param content the bytes
   * @return its sha256 digest
   * @throws IllegalArgumentException when the app does not exist
   */
  public Digest putBlob(String repository, byte[] content) {
    requireApp(repository);
    return state.putBlob(repository, content);
  }

  /**
   * Stores a manifest, checked as a registry {@code PUT} checks it (JSON, known media type, every
   * referenced blob or child manifest present in the repository).
   *
   * @param repository the repository
   * @param tag the tag to point at it, or null
   * @param manifest the exact manifest bytes
   * @return the manifest digest
   * @throws IllegalArgumentException when the manifest is invalid or references missing content
   */
  public Digest putManifest(String repository, String tag, byte[] manifest) {
    requireApp(repository);
    Manifest parsed;
    try {
      parsed = Manifest.parse(manifest, null);
    } catch (ManifestFormatException e) {
      throw new IllegalArgumentException("invalid manifest: " + e.getMessage(), e);
    }
    Optional<Descriptor> missing = state.putManifest(repository, parsed, tag);
    if (missing.isPresent()) {
      throw new IllegalArgumentException(
          "manifest references "
              + missing.get().digest()
              + " which is not in repository "
              + repository);
    }
    return parsed.digest();
  }

  /**
   * Points a tag at a manifest of the repository.
   *
   * @param repository the repository
   * @param tag the tag
   * @param digest the manifest digest
   * @throws IllegalArgumentException when the repository lacks that manifest
   */
  public void tag(String repository, String tag, Digest digest) {
    if (!state.tag(repository, tag, digest)) {
      throw new IllegalArgumentException("repository " + repository + " has no manifest " + digest);
    }
  }

  /**
   * @param repository the repository
   * @param reference a tag or a digest
   * @return whether the repository holds that manifest
   */
  public boolean hasManifest(String repository, String reference) {
    return state.manifest(repository, reference).isPresent();
  }

  /**
   * @param repository the repository
   * @param reference a tag or a digest
   * @return the manifest's exact bytes
   */
  public Optional<byte[]> manifest(String repository, String reference) {
    return state.manifest(repository, reference).map(m -> m.bytes().clone());
  }

  /**
   * Pushes a small OCI image (a config and one 1 KiB layer of random bytes).
   *
   * @param repository the repository
   * @param tag the tag
   * @return what was stored
   */
  public EmulatedImage pushImage(String repository, String tag) {
    return pushImage(repository, tag, MediaTypes.OCI_MANIFEST, randomBytes(1024));
  }

  /**
   * Pushes an image with the given layers.
   *
   * @param repository the repository
   * @param tag the tag, or null to store by digest only
   * @param manifestType {@link MediaTypes#OCI_MANIFEST} or {@link MediaTypes#DOCKER_MANIFEST}
   * @param layers the layer contents (stored as they are)
   * @return what was stored
   */
  public EmulatedImage pushImage(
      String repository, String tag, String manifestType, byte[]... layers) {
    requireApp(repository);
    boolean oci = MediaTypes.OCI_MANIFEST.equals(manifestType);
    if (!oci && !MediaTypes.DOCKER_MANIFEST.equals(manifestType)) {
      throw new IllegalArgumentException(
          "manifestType must be an OCI or Docker v2 image manifest type, was " + manifestType);
    }
    List<Digest> layerDigests = new ArrayList<>();
    StringBuilder layerJson = new StringBuilder();
    StringBuilder diffIds = new StringBuilder();
    long total = 0;
    String layerType = oci ? MediaTypes.OCI_LAYER : "application/vnd.docker.image.rootfs.diff.tar";
    for (byte[] layer : layers) {
      Digest d = state.putBlob(repository, layer);
      layerDigests.add(d);
      total += layer.length;
      if (layerJson.length() > 0) {
        layerJson.append(',');
        diffIds.append(',');
      }
      layerJson.append(descriptorJson(layerType, d, layer.length, null));
      diffIds.append('"').append(d).append('"');
    }
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"nonce\":\""
                + Long.toHexString(RANDOM.nextLong())
                + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    Digest configDigest = state.putBlob(repository, config);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + manifestType
            + "\",\"config\":"
            + descriptorJson(
                oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG,
                configDigest,
                config.length,
                null)
            + ",\"layers\":["
            + layerJson
            + "]}";
    Digest digest = putManifest(repository, tag, manifest.getBytes(StandardCharsets.UTF_8));
    return new EmulatedImage(
        registryHost(),
        repository,
        tag,
        digest,
        manifestType,
        manifest,
        configDigest,
        layerDigests,
        total);
  }

  /**
   * Pushes a multi-platform image: an index (OCI index, or Docker manifest list when {@code
   * docker}) of a linux/amd64 and a linux/arm64 image, each stored by digest.
   *
   * @param repository the repository
   * @param tag the index's tag
   * @param docker true for Docker media types, false for OCI
   * @return the index (its {@code config} is null, its {@code layers} empty)
   */
  public EmulatedImage pushIndex(String repository, String tag, boolean docker) {
    String imageType = docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
    String indexType = docker ? MediaTypes.DOCKER_MANIFEST_LIST : MediaTypes.OCI_INDEX;
    EmulatedImage amd64 = pushImage(repository, null, imageType, randomBytes(512));
    EmulatedImage arm64 = pushImage(repository, null, imageType, randomBytes(512));
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + indexType
            + "\",\"manifests\":["
            + descriptorJson(
                imageType,
                amd64.digest(),
                amd64.manifestJson().getBytes(StandardCharsets.UTF_8).length,
                "amd64")
            + ","
            + descriptorJson(
                imageType,
                arm64.digest(),
                arm64.manifestJson().getBytes(StandardCharsets.UTF_8).length,
                "arm64")
            + "]}";
    Digest digest = putManifest(repository, tag, index.getBytes(StandardCharsets.UTF_8));
    return new EmulatedImage(
        registryHost(), repository, tag, digest, indexType, index, null, List.of(), 0);
  }

  private static String descriptorJson(String type, Digest d, long size, String arch) {
    return "{\"mediaType\":\""
        + type
        + "\",\"digest\":\""
        + d
        + "\",\"size\":"
        + size
        + (arch == null ? "" : ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}")
        + "}";
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  // ---------------------------------------------------------------------------- machines, releases

  /**
   * Creates a started machine running {@code image} (not checked against the registry).
   *
   * @param app the app
   * @param image {@code config.image}
   * @return the machine ID
   * @throws IllegalArgumentException when the app does not exist
   */
  public String createMachine(String app, String image) {
    return state.createMachine(app, image);
  }

  /**
   * @param app an app
   * @return its machines
   */
  public List<EmulatedMachine> machines(String app) {
    return state.machineViews(app);
  }

  /**
   * Sets a machine's state (waking {@code wait} requests), for tests of machines that stop, fail or
   * never start.
   *
   * @param app the app
   * @param machineId the machine
   * @param machineState the new state ({@code started}, {@code stopped}, {@code failed}, ...)
   * @throws IllegalArgumentException when the machine does not exist
   */
  public void setMachineState(String app, String machineId, String machineState) {
    if (!state.setMachineState(app, machineId, machineState)) {
      throw new IllegalArgumentException("app " + app + " has no machine " + machineId);
    }
  }

  /**
   * Makes the machine's next launch (a Machines API update or start) leave it in {@code
   * machineState} instead of {@code started}, once: {@code failed} for a machine that crashes on
   * the new image, {@code starting} for one that never comes up (a {@code wait} then times out).
   *
   * @param app the app
   * @param machineId the machine
   * @param machineState the state the next launch ends in
   * @throws IllegalArgumentException when the machine does not exist
   */
  public void failNextLaunch(String app, String machineId, String machineState) {
    Objects.requireNonNull(machineState, "machineState");
    if (!state.setNextLaunchState(app, machineId, machineState)) {
      throw new IllegalArgumentException("app " + app + " has no machine " + machineId);
    }
  }

  /**
   * Records a release, as a deploy would.
   *
   * @param app the app
   * @param imageRef the image reference, or null
   * @param status the status ({@code complete}, {@code failed}, {@code running}, ...)
   * @return the release
   * @throws IllegalArgumentException when the app does not exist
   */
  public EmulatedRelease addRelease(String app, String imageRef, String status) {
    return State.view(state.addRelease(app, imageRef, status, "Deploy image", "deploy", null));
  }

  /**
   * @param app an app
   * @return its releases, newest first
   */
  public List<EmulatedRelease> releases(String app) {
    return state.releases(app).stream().map(State::view).toList();
  }

  // ---------------------------------------------------------------------------- clients

  /**
   * The HTTP settings of the clients this emulator hands out: the SDK defaults, except that retry
   * backoff does not sleep (tests stay fast; faults such as 429 are still retried).
   *
   * @return the settings
   */
  public static HttpSettings testHttpSettings() {
    return HttpSettings.defaults().withSleeper(d -> {});
  }

  /**
   * A registry client pointed at this emulator, authenticating as {@code x} with the token (only to
   * this emulator's registry host). Close it after use.
   *
   * @param token a token from {@link #createToken(String)}
   * @return the client
   */
  public RegistryClient registryClient(String token) {
    return registryClient(token, testHttpSettings());
  }

  /**
   * Like {@link #registryClient(String)} with the given HTTP settings.
   *
   * @param token a token from {@link #createToken(String)}
   * @param http the HTTP settings
   * @return the client
   */
  public RegistryClient registryClient(String token, HttpSettings http) {
    FlyToken t = FlyToken.parse(token);
    return RegistryClient.builder()
        .credentials(Credentials.basic(registryHost(), "x", t.registryPassword()))
        .http(http)
        .build();
  }

  /**
   * A GraphQL client pointed at {@link #graphqlUrl()}. Close it after use.
   *
   * @param token a token from {@link #createToken(String)}
   * @return the client
   */
  public GraphqlClient graphqlClient(String token) {
    return graphqlClient(token, testHttpSettings());
  }

  /**
   * Like {@link #graphqlClient(String)} with the given HTTP settings.
   *
   * @param token a token from {@link #createToken(String)}
   * @param http the HTTP settings
   * @return the client
   */
  public GraphqlClient graphqlClient(String token, HttpSettings http) {
    return GraphqlClient.builder()
        .token(FlyToken.parse(token))
        .endpoint(graphqlUrl())
        .http(http)
        .build();
  }

  /**
   * A Machines API client pointed at {@link #machinesUrl()} and {@link #releasesUrl()}, without a
   * client-side rate limit. Before a deploy it checks images on this emulator's registry (named by
   * {@link #registryHost()} or {@code registry.fly.io}) with a registry client of the same token;
   * images on other registries are assumed to exist. Close it after use.
   *
   * @param token a token from {@link #createToken(String)}
   * @return the client
   */
  public MachinesClient machinesClient(String token) {
    return machinesClient(token, testHttpSettings());
  }

  /**
   * Like {@link #machinesClient(String)} with the given HTTP settings.
   *
   * @param token a token from {@link #createToken(String)}
   * @param http the HTTP settings
   * @return the client
   */
  public MachinesClient machinesClient(String token, HttpSettings http) {
    return MachinesClient.builder()
        .token(FlyToken.parse(token))
        .endpoint(machinesUrl())
        .releasesEndpoint(releasesUrl())
        .http(http)
        .rateLimit(RateLimit.none())
        .imageChecker(image -> imageExists(token, http, image))
        .build();
  }

  private boolean imageExists(String token, HttpSettings http, ImageReference image) {
    if (!state.isLocalRegistry(image.registry())) {
      return true;
    }
    ImageReference local =
        image.registry().equals(registryHost())
            ? image
            : ImageReference.parse(registryHost() + "/" + image.repository())
                .withTag(image.tag().orElse(ImageReference.DEFAULT_TAG));
    if (image.digest().isPresent()) {
      local = local.withDigest(image.digest().get());
    }
    try (RegistryClient registry = registryClient(token, http)) {
      return registry.exists(local);
    }
  }

  // ---------------------------------------------------------------------------- observation

  /**
   * @return the request and upload counters
   */
  public EmulatorMetrics metrics() {
    return emulatorMetrics;
  }

  /**
   * @return fault injection for the next requests
   */
  public Faults faults() {
    return faults;
  }

  /** Stops the servers and their threads. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    registry.close();
    machines.close();
    api.close();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FlyEmulator[registry="
        + registryUrl()
        + ", machines="
        + machinesUrl()
        + ", api="
        + apiUrl()
        + "]";
  }
}
