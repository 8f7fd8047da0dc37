package dev.flyregistry.machines;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.internal.machines.Deployer;
import dev.flyregistry.internal.machines.MachinesHttp;
import dev.flyregistry.internal.machines.Releases;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.InvalidReferenceException;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.registry.RegistryException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import okhttp3.HttpUrl;

/**
 * Client of Fly's Machines API ({@code https://api.machines.dev/v1}) for the image workflow: apps
 * ({@link #apps()}), machines and leases ({@link #machines()}) and deploying an image to every
 * machine of an app ({@link #deploy(String, String)}), recorded as a release.
 *
 * <p>Requests carry {@code Authorization} from {@link FlyToken#apiAuthorization()}. Each action is
 * rate limited on the client side ({@link RateLimit#defaults()}); reads are retried on network
 * errors and transient statuses, changes only when they were not sent, or were refused with 429
 * (honouring {@code Retry-After}). Errors are {@link MachinesApiException}s.
 *
 * <p>Thread-safe; build one, share it, close it when done.
 *
 * <pre>{@code
 * try (MachinesClient machines = MachinesClient.builder().token(FlyToken.fromEnvironment()).build()) {
 *   App app = machines.apps().createWithGeneratedName("personal");
 *   DeployResult result = machines.deploy("app-2", "registry.fly.io/app-1:v1");
 * }
 * }</pre>
 */
public final class MachinesClient implements AutoCloseable {
  /** The Machines API base URL. */
  public static final String DEFAULT_ENDPOINT = "https://api.machines.dev/v1";

  /** The base URL of release records. */
  public static final String DEFAULT_RELEASES_ENDPOINT = "https://api.fly.io/api/v1";

  private final MachinesHttp http;
  private final RegistryClient registry;
  private final Apps apps;
  private final Machines machines;
  private final Deployer deployer;

  private MachinesClient(Builder b) {
    this.http = new MachinesHttp(b.endpoint, b.releasesEndpoint, b.token, b.http, b.rateLimit);
    this.apps = new Apps(http, b.random, b.nameAttempts);
    this.machines = new Machines(http);
    Duration ttl = b.leaseTtl != null ? b.leaseTtl : b.waitTimeout.plusSeconds(60);
    ImageChecker checker = b.imageChecker;
    RegistryClient own = null;
    if (checker == null) {
      own = RegistryClient.builder().credentials(Credentials.fly(b.token)).http(b.http).build();
      checker = own::exists;
    }
    this.registry = own;
    this.deployer = new Deployer(machines, new Releases(http), checker, b.waitTimeout, ttl);
  }

  /**
   * @return a builder; {@link Builder#token(FlyToken)} is required
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the apps API
   */
  public Apps apps() {
    return apps;
  }

  /**
   * @return the machines API
   */
  public Machines machines() {
    return machines;
  }

  /**
   * Deploys an image to every machine of an app, like {@code fly deploy --app APP --image IMAGE}:
   * checks that the image exists (see {@link Builder#imageChecker(ImageChecker)}), records a
   * release, then for each machine in turn takes a lease, sets {@code config.image} (every other
   * field of the configuration is kept), waits for {@code started} and releases the lease, and
   * finally marks the release {@code complete} or {@code failed}. Reusing an image across apps is
   * the same call: {@code deploy("app-2", "registry.fly.io/app-1:v1")}.
   *
   * <p>The image is written into the machines' configuration as given; it is read the way the
   * Docker CLI reads it ({@link ImageReference#parseDocker(String)}: {@code nginx} is Docker Hub's
   * {@code library/nginx}), which is how Fly resolves it.
   *
   * <p>Interrupting the calling thread stops the deploy promptly, even while it waits for a
   * machine: the machine at hand is reported {@code FAILED} or {@code NOT_STARTED}, the rest {@code
   * SKIPPED}, its lease is still given back and the release marked {@code failed}, and the thread's
   * interrupt flag is left set.
   *
   * @param app the app name
   * @param image the image reference, such as {@code registry.fly.io/app-1:v1} or {@code
   *     flyio/hellofly:latest}
   * @return what happened to each machine, and the release
   * @throws InvalidReferenceException when the image is not a valid reference (nothing is sent)
   * @throws InvalidAppNameException when {@code app} is not a valid app name (nothing is sent)
   * @throws ImageNotFoundException when the image does not exist (nothing changed)
   * @throws RegistryException when the image check fails: its registry refuses the check (such as
   *     {@code 401} or {@code 403}) or cannot be reached (nothing changed)
   * @throws NoMachinesException when the app has no machine (nothing changed)
   * @throws MachinesNotFoundException when there is no such app (nothing changed)
   * @throws DeployFailedException when a machine failed; its result says which machines run the new
   *     image and which do not
   * @throws MachinesApiException when the API fails before any machine changed
   */
  public DeployResult deploy(String app, String image) {
    Objects.requireNonNull(image, "image");
    String trimmed = image.trim();
    return deployer.deploy(app, ImageReference.parseDocker(trimmed), trimmed);
  }

  /**
   * Deploys an image to every machine of an app; see {@link #deploy(String, String)}. The reference
   * is written into the configuration in its normalised form ({@link ImageReference#toString()}).
   *
   * @param app the app name
   * @param image the image
   * @return what happened to each machine, and the release
   * @throws InvalidAppNameException when {@code app} is not a valid app name (nothing is sent)
   * @throws ImageNotFoundException when the image does not exist (nothing changed)
   * @throws RegistryException when the image check fails: its registry refuses the check (such as
   *     {@code 401} or {@code 403}) or cannot be reached (nothing changed)
   * @throws NoMachinesException when the app has no machine (nothing changed)
   * @throws MachinesNotFoundException when there is no such app (nothing changed)
   * @throws DeployFailedException when a machine failed; its result says which machines run the new
   *     image and which do not
   * @throws MachinesApiException when the API fails before any machine changed
   */
  public DeployResult deploy(String app, ImageReference image) {
    Objects.requireNonNull(image, "image");
    return deployer.deploy(app, image, image.toString());
  }

  /** Releases the connections and threads of the client (not those of a caller's OkHttp client). */
  @Override
  public void close() {
    http.close();
    if (registry != null) {
      registry.close();
    }
  }

  /** Builds a {@link MachinesClient}. Not thread-safe; each {@link #build()} makes a new client. */
  public static final class Builder {
    private FlyToken token;
    private HttpUrl endpoint = HttpUrl.get(DEFAULT_ENDPOINT);
    private HttpUrl releasesEndpoint = HttpUrl.get(DEFAULT_RELEASES_ENDPOINT);
    private HttpSettings http = HttpSettings.defaults();
    private RateLimit rateLimit = RateLimit.defaults();
    private Random random = new Random();
    private int nameAttempts = 5;
    private ImageChecker imageChecker;
    private Duration waitTimeout = Machines.MAX_WAIT;
    private Duration leaseTtl;

    private Builder() {}

    /**
     * @param value the Fly token (required)
     * @return this builder
     */
    public Builder token(FlyToken value) {
      this.token = Objects.requireNonNull(value, "token");
      return this;
    }

    /**
     * @param value the Machines API base URL (default {@value #DEFAULT_ENDPOINT}); HTTPS, or HTTP
     *     to a loopback address
     * @return this builder
     */
    public Builder endpoint(String value) {
      this.endpoint = baseUrl(value, "endpoint");
      return this;
    }

    /**
     * @param value the base URL of release records (default {@value #DEFAULT_RELEASES_ENDPOINT});
     *     HTTPS, or HTTP to a loopback address
     * @return this builder
     */
    public Builder releasesEndpoint(String value) {
      this.releasesEndpoint = baseUrl(value, "releasesEndpoint");
      return this;
    }

    /**
     * @param value timeouts, retries, user agent, clock and sleeper
     * @return this builder
     */
    public Builder http(HttpSettings value) {
      this.http = Objects.requireNonNull(value, "http");
      return this;
    }

    /**
     * @param value the client-side rate limit per action (default {@link RateLimit#defaults()})
     * @return this builder
     */
    public Builder rateLimit(RateLimit value) {
      this.rateLimit = Objects.requireNonNull(value, "rateLimit");
      return this;
    }

    /**
     * @param value the source of generated app names (default a new {@link Random})
     * @return this builder
     */
    public Builder random(Random value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    /**
     * @param value how many generated names {@link Apps#createWithGeneratedName(String)} tries
     *     (default 5, at least 1)
     * @return this builder
     */
    public Builder generatedNameAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException(
            "generatedNameAttempts must be at least 1, was " + value);
      }
      this.nameAttempts = value;
      return this;
    }

    /**
     * Sets what a deploy asks whether the image exists. By default the client checks with a {@link
     * RegistryClient} of its own: {@code HEAD} of the manifest, with the Fly token for {@code
     * registry.fly.io} and anonymously elsewhere (public Docker Hub images go through Docker Hub's
     * token service). Pass {@code registry::exists} to use a shared registry client, or {@link
     * ImageChecker#NONE} to skip the check.
     *
     * @param value the image check
     * @return this builder
     */
    public Builder imageChecker(ImageChecker value) {
      this.imageChecker = Objects.requireNonNull(value, "imageChecker");
      return this;
    }

    /**
     * @param value how long a deploy waits for each machine to start (default and most 60 s)
     * @return this builder
     */
    public Builder waitTimeout(Duration value) {
      Machines.waitSeconds(value);
      this.waitTimeout = value;
      return this;
    }

    /**
     * @param value how long a deploy's lease on a machine lasts unless released (default the wait
     *     timeout plus 60 s)
     * @return this builder
     */
    public Builder leaseTtl(Duration value) {
      Objects.requireNonNull(value, "leaseTtl");
      if (value.getSeconds() < 1) {
        throw new IllegalArgumentException("leaseTtl must be at least 1 second, was " + value);
      }
      this.leaseTtl = value;
      return this;
    }

    /**
     * @return a new client
     * @throws IllegalStateException when no token was given
     */
    public MachinesClient build() {
      if (token == null) {
        throw new IllegalStateException("a Fly token is required: call token(FlyToken)");
      }
      return new MachinesClient(this);
    }

    private static HttpUrl baseUrl(String value, String what) {
      Objects.requireNonNull(value, what);
      HttpUrl url = HttpUrl.parse(value.trim());
      if (url == null) {
        throw new IllegalArgumentException(what + " is not an http(s) URL: " + value);
      }
      if (!url.username().isEmpty() || !url.password().isEmpty()) {
        throw new IllegalArgumentException(what + " must not hold user info");
      }
      if (url.scheme().equals("http") && !isLoopback(url.host())) {
        throw new IllegalArgumentException(
            what
                + " must use https (plain http is allowed to loopback addresses only): "
                + url.host());
      }
      // drop a trailing slash so that path segments append cleanly
      HttpUrl.Builder b = url.newBuilder().query(null).fragment(null);
      int last = url.pathSize() - 1;
      if (last >= 0 && url.pathSegments().get(last).isEmpty()) {
        b.removePathSegment(last);
      }
      return b.build();
    }

    private static boolean isLoopback(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      if (h.equals("localhost")) {
        return true;
      }
      if (h.chars().allMatch(c -> Character.isDigit(c) || c == '.') || h.contains(":")) {
        try {
          return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
          return false;
        }
      }
      return false;
    }
  }
}
