package dev.flyregistry.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.ImageManifest;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.ManifestIndex;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Everything the emulator knows: organizations, tokens, apps, repositories, blobs, upload sessions,
 * machines and releases. Mutations and compound reads hold the monitor of this object.
 */
public final class State {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz";
  private static final Pattern APP_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  /**
   * An organization.
   *
   * @param id its ID
   * @param slug its slug
   * @param name its display name
   */
  public record Org(String id, String slug, String name) {}

  /**
   * The user a token acts as.
   *
   * @param id its ID
   * @param email its e-mail
   * @param name its display name
   */
  public record User(String id, String email, String name) {}

  /**
   * An issued token.
   *
   * @param text the full token text (parts joined by commas)
   * @param org its organization
   * @param user its user
   */
  public record Token(String text, Org org, User user) {}

  /** An app. */
  public static final class App {
    final String id;
    final String name;
    final Org org;
    final Instant createdAt;

    App(String id, String name, Org org, Instant createdAt) {
      this.id = id;
      this.name = name;
      this.org = org;
      this.createdAt = createdAt;
    }

    /**
     * @return the app ID
     */
    public String id() {
      return id;
    }

    /**
     * @return the app name
     */
    public String name() {
      return name;
    }

    /**
     * @return the owning organization
     */
    public Org org() {
      return org;
    }
  }

  /**
   * A stored manifest.
   *
   * @param digest its digest
   * @param mediaType its media type
   * @param bytes its exact bytes
   * @param parsed the parsed form
   */
  public record StoredManifest(Digest digest, String mediaType, byte[] bytes, Manifest parsed) {}

  /** A repository: {@code <app>} or {@code <app>/<path>}. */
  public static final class Repo {
    final String name;
    final Map<String, Digest> tags = new TreeMap<>();
    final Map<Digest, StoredManifest> manifests = new LinkedHashMap<>();
    final Set<Digest> blobs = new HashSet<>();

    Repo(String name) {
      this.name = name;
    }
  }

  /** An upload session. */
  public static final class Upload {
    final String uuid;
    final String repo;
    final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Upload(String uuid, String repo) {
      this.uuid = uuid;
      this.repo = repo;
    }
  }

  /** A machine's lease. */
  public static final class Lease {
    String nonce;
    long expiresAt;
    String owner;
    String description;
    String version;
  }

  /** A machine. */
  public static final class Machine {
    final String id;
    final String app;
    String name;
    String region;
    String state;
    String instanceId;
    ObjectNode config;
    Instant createdAt;
    Instant updatedAt;
    Lease lease;
    ImageReference imageRef;
    Digest imageDigest;
    String nextLaunchState;

    Machine(String id, String app) {
      this.id = id;
      this.app = app;
    }
  }

  /** A release record. */
  public static final class Release {
    final String id;
    final String app;
    final int version;
    String status;
    String description;
    String reason;
    String imageRef;
    boolean stable;
    User user;
    Instant createdAt;
    Instant updatedAt;

    Release(String id, String app, int version) {
      this.id = id;
      this.app = app;
      this.version = version;
    }
  }

  final Clock clock;
  final Map<String, Org> orgs = new LinkedHashMap<>();
  final Map<String, Token> tokenParts = new ConcurrentHashMap<>();
  final Map<String, App> apps = new LinkedHashMap<>();
  final Map<String, Repo> repos = new LinkedHashMap<>();
  final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
  final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  final UploadStates uploadStates = new UploadStates();
  final Map<String, Map<String, Machine>> machines = new LinkedHashMap<>();

  /** Destroyed machines by app: still readable, listed only with {@code include_deleted}. */
  final Map<String, Map<String, Machine>> destroyedMachines = new LinkedHashMap<>();

  final Map<String, List<Release>> releases = new LinkedHashMap<>();
  final Map<String, Release> releasesById = new LinkedHashMap<>();
  private volatile Set<String> registryHosts = Set.of(ImageReference.FLY_REGISTRY);

  /**
   * @param clock the clock of timestamps and lease expiry
   */
  public State(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param hosts host names (with port) that mean this emulator's registry
   */
  public void registryHosts(Set<String> hosts) {
    this.registryHosts = Set.copyOf(hosts);
  }

  static String randomId(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  static String randomHex(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append("0123456789abcdef".charAt(RANDOM.nextInt(16)));
    }
    return sb.toString();
  }

  static String randomToken() {
    byte[] b = new byte[48];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * @param name a candidate app name
   * @return null when valid, else what is wrong
   */
  public static String appNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "app name must not be empty";
    }
    if (name.length() > 63) {
      return "app name must be at most 63 characters";
    }
    if (!APP_NAME.matcher(name).matches()) {
      return "app name may contain only lower-case letters, digits and '-', and must not start or"
          + " end with '-'";
    }
    return null;
  }

  // ---------------------------------------------------------------- organizations, tokens, apps

  /**
   * @param slug the organization slug
   * @return the new organization
   */
  public synchronized Org createOrg(String slug) {
    String problem = appNameProblem(slug);
    if (problem != null) {
      throw new IllegalArgumentException("invalid organization slug \"" + slug + "\": " + problem);
    }
    if (orgs.containsKey(slug)) {
      throw new IllegalArgumentException("organization \"" + slug + "\" exists already");
    }
    Org org = new Org("org_" + randomId(12), slug, slug);
    orgs.put(slug, org);
    return org;
  }

  /**
   * @param slug an organization slug
   * @return the organization
   */
  public synchronized Optional<Org> org(String slug) {
    return Optional.ofNullable(orgs.get(slug));
  }

  /**
   * Issues a token of two macaroon-style parts, both recognised.
   *
   * @param slug the organization
   * @param email the user's e-mail
   * @param userName the user's name, or null
   * @return the token
   */
  public synchronized Token createToken(String slug, String email, String userName) {
    Org org = orgs.get(slug);
    if (org == null) {
      throw new IllegalArgumentException("no organization \"" + slug + "\"");
    }
    User user = new User("user_" + randomId(10), email, userName);
    String text = "fm2_" + randomToken() + ",fm2_" + randomToken();
    Token token = new Token(text, org, user);
    for (String part : text.split(",")) {
      tokenParts.put(part, token);
    }
    return token;
  }

  /**
   * Finds the token in credential text: a whole token, one of its parts, or several comma-separated
   * parts of which one is known; {@code FlyV1 }/{@code Bearer } prefixes ignored.
   *
   * @param credential the text
   * @return the token
   */
  public Optional<Token> authenticate(String credential) {
    if (credential == null) {
      return Optional.empty();
    }
    String s = credential.trim();
    for (String scheme : List.of("flyv1 ", "bearer ")) {
      if (s.toLowerCase(Locale.ROOT).startsWith(scheme)) {
        s = s.substring(scheme.length()).trim();
      }
    }
    for (String part : s.split(",")) {
      Token t = tokenParts.get(part.trim());
      if (t != null) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * @param slug the organization
   * @param name the app name
   * @return the app
   * @throws IllegalArgumentException when the name is invalid or taken, or the org unknown
   */
  public synchronized App createApp(String slug, String name) {
    Org org = orgs.get(slug);
    if (org == null) {
      throw new IllegalArgumentException("no organization \"" + slug + "\"");
    }
    String problem = appNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid app name \"" + name + "\": " + problem);
    }
    if (apps.containsKey(name)) {
      throw new IllegalArgumentException("app name \"" + name + "\" is taken");
    }
    App app = new App(randomId(16), name, org, clock.instant());
    apps.put(name, app);
    machines.put(name, new LinkedHashMap<>());
    releases.put(name, new ArrayList<>());
    return app;
  }

  /**
   * @param name an app name
   * @return the app
   */
  public synchronized Optional<App> app(String name) {
    return Optional.ofNullable(apps.get(name));
  }

  /**
   * @param slug an organization
   * @return its apps in creation order
   */
  public synchronized List<App> apps(String slug) {
    return apps.values().stream().filter(a -> a.org.slug().equals(slug)).toList();
  }

  /**
   * Deletes an app with its repositories, machines and releases.
   *
   * @param name the app
   * @return whether it existed
   */
  public synchronized boolean deleteApp(String name) {
    if (apps.remove(name) == null) {
      return false;
    }
    repos.keySet().removeIf(r -> r.equals(name) || r.startsWith(name + "/"));
    machines.remove(name);
    destroyedMachines.remove(name);
    List<Release> rs = releases.remove(name);
    if (rs != null) {
      rs.forEach(r -> releasesById.remove(r.id));
    }
    notifyAll();
    return true;
  }

  // ---------------------------------------------------------------- registry content

  /**
   * @param repository a repository name
   * @return the app part (first path component)
   */
  public static String appOf(String repository) {
    int slash = repository.indexOf('/');
    return slash < 0 ? repository : repository.substring(0, slash);
  }

  synchronized Repo repo(String name, boolean create) {
    Repo r = repos.get(name);
    if (r == null && create) {
      r = new Repo(name);
      repos.put(name, r);
    }
    return r;
  }

  /**
   * Stores a blob and links it into a repository.
   *
   * @param repository the repository
   * @param content the bytes
   * @return its digest
   */
  public Digest putBlob(String repository, byte[] content) {
    Digest d = Digest.sha256(content);
    blobs.putIfAbsent(d, content.clone());
    synchronized (this) {
      repo(repository, true).blobs.add(d);
    }
    return d;
  }

  synchronized void linkBlob(String repository, Digest d) {
    repo(repository, true).blobs.add(d);
  }

  void storeBlob(String repository, Digest d, byte[] content) {
    blobs.putIfAbsent(d, content);
    linkBlob(repository, d);
  }

  synchronized boolean unlinkBlob(String repository, Digest d) {
    Repo r = repos.get(repository);
    return r != null && r.blobs.remove(d);
  }

  synchronized boolean hasBlob(String repository, Digest d) {
    Repo r = repos.get(repository);
    return r != null && r.blobs.contains(d) && blobs.containsKey(d);
  }

  byte[] blob(Digest d) {
    return blobs.get(d);
  }

  /**
   * Verifies and stores a manifest; returns a problem or the stored manifest.
   *
   * @param repository the repository
   * @param manifest the parsed manifest
   * @param tag the tag to point at it, or null
   * @return the missing reference, if any (then nothing is stored)
   */
  public synchronized Optional<Descriptor> putManifest(
      String repository, Manifest manifest, String tag) {
    Repo repo = repo(repository, true);
    Optional<Descriptor> missing = missingReference(repo, manifest);
    if (missing.isPresent()) {
      return missing;
    }
    StoredManifest sm =
        new StoredManifest(manifest.digest(), manifest.mediaType(), manifest.bytes(), manifest);
    repo.manifests.put(sm.digest(), sm);
    if (tag != null) {
      repo.tags.put(tag, sm.digest());
    }
    return Optional.empty();
  }

  private Optional<Descriptor> missingReference(Repo repo, Manifest m) {
    if (m instanceof ImageManifest im) {
      if (!repo.blobs.contains(im.config().digest())) {
        return Optional.of(im.config());
      }
      for (Descriptor l : im.layers()) {
        if (l.urls().isEmpty() && !repo.blobs.contains(l.digest())) {
          return Optional.of(l);
        }
      }
    } else if (m instanceof ManifestIndex ix) {
      for (Descriptor c : ix.manifests()) {
        if (!repo.manifests.containsKey(c.digest())) {
          return Optional.of(c);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * @param repository the repository
   * @param reference a tag or a digest
   * @return the manifest
   */
  public synchronized Optional<StoredManifest> manifest(String repository, String reference) {
    Repo repo = repos.get(repository);
    if (repo == null) {
      return Optional.empty();
    }
    Digest d;
    if (reference.contains(":")) {
      try {
        d = Digest.parse(reference);
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    } else {
      d = repo.tags.get(reference);
      if (d == null) {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(repo.manifests.get(d));
  }

  synchronized boolean deleteManifest(String repository, Digest digest) {
    Repo repo = repos.get(repository);
    if (repo == null || repo.manifests.remove(digest) == null) {
      return false;
    }
    repo.tags.values().removeIf(digest::equals);
    return true;
  }

  /**
   * @param repository the repository
   * @param tag the tag
   * @param digest the manifest it should point at
   * @return whether the manifest exists (and the tag was set)
   */
  public synchronized boolean tag(String repository, String tag, Digest digest) {
    Repo repo = repos.get(repository);
    if (repo == null || !repo.manifests.containsKey(digest)) {
      return false;
    }
    repo.tags.put(tag, digest);
    return true;
  }

  synchronized Optional<List<String>> tags(String repository) {
    Repo repo = repos.get(repository);
    return repo == null ? Optional.empty() : Optional.of(List.copyOf(repo.tags.keySet()));
  }

  synchronized boolean repoExists(String repository) {
    return repos.containsKey(repository);
  }

  /**
   * The compressed size of an image: the sum of its layers (over every child of an index).
   *
   * @param repository the repository
   * @param m the manifest
   * @return bytes
   */
  synchronized long compressedSize(String repository, Manifest m) {
    if (m instanceof ImageManifest im) {
      return im.layers().stream().mapToLong(Descriptor::size).sum();
    }
    long total = 0;
    if (m instanceof ManifestIndex ix) {
      Repo repo = repos.get(repository);
      for (Descriptor c : ix.manifests()) {
        StoredManifest child = repo == null ? null : repo.manifests.get(c.digest());
        if (child != null && child.parsed() instanceof ImageManifest cm) {
          total += cm.layers().stream().mapToLong(Descriptor::size).sum();
        }
      }
    }
    return total;
  }

  /**
   * A resolved image.
   *
   * @param reference the normalised reference (registry.fly.io host), pinned to the manifest's
   *     digest; it has a tag only when the reference asked for one (or for neither tag nor digest:
   *     {@code latest})
   * @param repository the repository in this emulator
   * @param manifest the manifest
   */
  public record ResolvedImage(
      ImageReference reference, String repository, StoredManifest manifest) {}

  /**
   * Resolves a reference to an image of this emulator's registry ({@code registry.fly.io} or one of
   * the emulator's own host names) that the organization can read. A reference without registry
   * ({@code app1:v1}) is read the way {@code fly deploy --image} reads it, as a Docker Hub image,
   * so it never resolves here.
   *
   * @param ref the reference text
   * @param org the organization asking
   * @return the image; empty when the reference is invalid, on another registry, of an app of
   *     another organization, or absent
   */
  public synchronized Optional<ResolvedImage> resolve(String ref, Org org) {
    ImageReference r;
    try {
      // like fly deploy --image and the Machines API: a name without registry is on Docker Hub
      r = ImageReference.parseDocker(ref);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!isLocalRegistry(r.registry())) {
      return Optional.empty();
    }
    App app = apps.get(appOf(r.repository()));
    if (app == null || !app.org.equals(org)) {
      return Optional.empty();
    }
    return manifest(r.repository(), r.reference())
        .map(
            m ->
                new ResolvedImage(
                    ImageReference.parse(
                        ImageReference.FLY_REGISTRY
                            + "/"
                            + r.repository()
                            + r.tag().map(t -> ":" + t).orElse("")
                            + "@"
                            + m.digest()),
                    r.repository(),
                    m));
  }

  /**
   * @param host a registry host, with port
   * @return whether it names this emulator's registry
   */
  public boolean isLocalRegistry(String host) {
    return registryHosts.contains(host);
  }

  // ---------------------------------------------------------------- uploads

  Upload startUpload(String repository) {
    Upload u = new Upload(UUIDs.next(), repository);
    uploads.put(u.uuid, u);
    return u;
  }

  // ---------------------------------------------------------------- machines and releases

  synchronized Map<String, Machine> machinesOf(String app) {
    return machines.get(app);
  }

  /**
   * Moves a machine to the app's destroyed machines, in state {@code destroyed}, and wakes waiters.
   */
  synchronized void destroyMachine(String app, Machine m) {
    Map<String, Machine> ms = machines.get(app);
    if (ms != null) {
      ms.remove(m.id);
    }
    m.state = "destroyed";
    m.updatedAt = clock.instant();
    m.lease = null;
    destroyedMachines.computeIfAbsent(app, a -> new LinkedHashMap<>()).put(m.id, m);
    notifyAll();
  }

  /**
   * @return the app's destroyed machines (empty when none)
   */
  synchronized Map<String, Machine> destroyedMachinesOf(String app) {
    return destroyedMachines.getOrDefault(app, Map.of());
  }

  /**
   * Sets a machine's state and wakes waiters.
   *
   * @param app the app
   * @param id the machine
   * @param state the new state
   * @return whether the machine exists
   */
  public synchronized boolean setMachineState(String app, String id, String state) {
    Map<String, Machine> ms = machines.get(app);
    Machine m = ms == null ? null : ms.get(id);
    if (m == null) {
      return false;
    }
    m.state = state;
    m.updatedAt = clock.instant();
    notifyAll();
    return true;
  }

  /**
   * Makes the machine's next launch (an update or a start) end in {@code state} instead of {@code
   * started}.
   *
   * @param app the app
   * @param id the machine
   * @param state the state it will be left in
   * @return whether the machine exists
   */
  public synchronized boolean setNextLaunchState(String app, String id, String state) {
    Map<String, Machine> ms = machines.get(app);
    Machine m = ms == null ? null : ms.get(id);
    if (m == null) {
      return false;
    }
    m.nextLaunchState = state;
    return true;
  }

  /**
   * @param m a machine being launched
   * @return the state it ends in: {@code started}, or the one set by {@link #setNextLaunchState}
   */
  static String launchState(Machine m) {
    String s = m.nextLaunchState;
    m.nextLaunchState = null;
    return s != null ? s : "started";
  }

  /**
   * Creates a started machine (a seed helper; the image is not checked).
   *
   * @param app the app
   * @param image {@code config.image}
   * @return the machine ID
   */
  public synchronized String createMachine(String app, String image) {
    Map<String, Machine> ms = machines.get(app);
    if (ms == null) {
      throw new IllegalArgumentException("no app \"" + app + "\"");
    }
    Machine m = new Machine(randomHex(14), app);
    m.name = "machine-" + m.id.substring(0, 6);
    m.region = "iad";
    m.config = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    m.config.put("image", image);
    m.imageRef = ImageReference.parseDocker(image);
    App a = apps.get(app);
    m.imageDigest = resolve(image, a.org).map(r -> r.manifest().digest()).orElse(null);
    m.instanceId = randomId(26).toUpperCase(Locale.ROOT);
    m.createdAt = clock.instant();
    m.updatedAt = m.createdAt;
    m.state = "started";
    ms.put(m.id, m);
    notifyAll();
    return m.id;
  }

  /**
   * @param app the app
   * @return views of its machines
   */
  public synchronized List<dev.flyregistry.testkit.EmulatedMachine> machineViews(String app) {
    Map<String, Machine> ms = machines.get(app);
    if (ms == null) {
      return List.of();
    }
    long now = clock.instant().getEpochSecond();
    return ms.values().stream()
        .map(
            m ->
                new dev.flyregistry.testkit.EmulatedMachine(
                    m.id,
                    m.app,
                    m.name,
                    m.state,
                    m.config.path("image").asText(null),
                    m.instanceId,
                    m.lease != null && m.lease.expiresAt > now))
        .toList();
  }

  /**
   * @param r a release
   * @return its public view
   */
  public static dev.flyregistry.testkit.EmulatedRelease view(Release r) {
    return new dev.flyregistry.testkit.EmulatedRelease(
        r.id,
        r.app,
        r.version,
        r.status,
        r.imageRef,
        r.description,
        r.user == null ? null : r.user.email(),
        r.createdAt);
  }

  /**
   * Adds a release.
   *
   * @param app the app
   * @param imageRef its image, or null
   * @param status its status
   * @param description its description
   * @param reason its reason
   * @param user its user, or null
   * @return the release
   */
  public synchronized Release addRelease(
      String app, String imageRef, String status, String description, String reason, User user) {
    List<Release> list = releases.get(app);
    if (list == null) {
      throw new IllegalArgumentException("no app \"" + app + "\"");
    }
    int version = list.isEmpty() ? 1 : list.get(list.size() - 1).version + 1;
    Release r = new Release(randomId(10), app, version);
    r.imageRef = imageRef;
    r.status = status;
    r.description = description;
    r.reason = reason;
    r.user = user;
    r.stable = "complete".equals(status);
    r.createdAt = clock.instant();
    r.updatedAt = r.createdAt;
    list.add(r);
    releasesById.put(r.id, r);
    return r;
  }

  /**
   * @param app the app
   * @return its releases, newest first
   */
  public synchronized List<Release> releases(String app) {
    List<Release> list = releases.get(app);
    if (list == null) {
      return List.of();
    }
    List<Release> out = new ArrayList<>(list);
    java.util.Collections.reverse(out);
    return out;
  }
}
