package dev.flyregistry.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.registry.ImageReference;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Machines API ({@code /v1/...}) as {@code api.machines.dev} serves it: apps, machines, leases
 * (header {@code fly-machine-lease-nonce}) and waiting for a state, with snake_case JSON and errors
 * {@code {"error", "status"}}.
 */
public final class MachinesApi implements Api {
  /** The lease header. */
  public static final String NONCE_HEADER = "fly-machine-lease-nonce";

  private static final String F_NAME = "name";
  private static final String F_ORG_SLUG = "org_slug";
  private static final String F_CONFIG = "config";
  private static final String F_IMAGE = "image";
  private static final String F_REGION = "region";
  private static final String F_SKIP_LAUNCH = "skip_launch";
  private static final String F_TTL = "ttl";
  private static final String F_DESCRIPTION = "description";

  /**
   * Every request property the emulator reads, by the OpenAPI schema of the request body it belongs
   * to (a test checks them against the specification).
   */
  public static final Map<String, List<String>> REQUEST_FIELDS =
      Map.of(
          "CreateAppRequest", List.of(F_NAME, F_ORG_SLUG),
          "CreateMachineRequest", List.of(F_NAME, F_CONFIG, F_REGION, F_SKIP_LAUNCH),
          "UpdateMachineRequest", List.of(F_CONFIG, F_REGION, F_SKIP_LAUNCH),
          "CreateLeaseRequest", List.of(F_TTL, F_DESCRIPTION),
          "fly.MachineConfig", List.of(F_IMAGE));

  private static final String PERSONAL = "personal";

  /** States in which DELETE needs {@code force=true}. */
  private static final Set<String> RUNNING = Set.of("started", "starting");

  /** The states {@code wait} takes, per the OpenAPI's enum of its {@code state} parameter. */
  private static final List<String> WAIT_STATES =
      List.of("started", "stopped", "suspended", "destroyed", "failed", "settled");

  private static final Set<String> SETTLED =
      Set.of("started", "stopped", "suspended", "failed", "destroyed");

  private final State state;
  private final Duration maxWait;

  /**
   * @param state the emulator's state
   * @param maxWait the longest a wait request blocks
   */
  public MachinesApi(State state, Duration maxWait) {
    this.state = state;
    this.maxWait = maxWait;
  }

  @Override
  public String route(Call call) {
    String[] s = segments(call.path());
    if (s == null) {
      return "other";
    }
    return switch (s.length) {
      case 1 -> "/v1/apps";
      case 2 -> "/v1/apps/{app}";
      case 3 -> s[2].equals("machines") ? "/v1/apps/{app}/machines" : "other";
      case 4 -> s[2].equals("machines") ? "/v1/apps/{app}/machines/{id}" : "other";
      case 5 -> s[2].equals("machines") ? "/v1/apps/{app}/machines/{id}/" + s[4] : "other";
      default -> "other";
    };
  }

  private static String[] segments(String path) {
    if (!path.startsWith("/v1/apps")) {
      return null;
    }
    String rest = path.substring("/v1/".length());
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    String[] s = rest.split("/");
    return s[0].equals("apps") ? s : null;
  }

  @Override
  public void handle(Call call) throws IOException {
    call.body();
    String[] s = segments(call.path());
    if (s == null || s.length > 5 || (s.length >= 3 && !s[2].equals("machines"))) {
      error(call, 404, "not found", null);
      return;
    }
    Optional<State.Token> token = state.authenticate(authorization(call));
    if (token.isEmpty()) {
      error(call, 401, "unauthorized", null);
      return;
    }
    State.Org org = token.get().org();
    if (s.length == 1) {
      switch (call.method()) {
        case "GET" -> listApps(call, org);
        case "POST" -> createApp(call, org);
        default -> error(call, 405, "method not allowed", null);
      }
      return;
    }
    Optional<State.App> app = state.app(s[1]);
    if (app.isEmpty()) {
      error(call, 404, "app not found", null);
      return;
    }
    if (!app.get().org().equals(org)) {
      error(call, 403, "unauthorized", null);
      return;
    }
    String name = app.get().name();
    if (s.length == 2) {
      switch (call.method()) {
        case "GET" -> call.respondJson(200, appJson(app.get()));
        case "DELETE" -> {
          state.deleteApp(name);
          call.respond(202, null, null);
        }
        default -> error(call, 405, "method not allowed", null);
      }
      return;
    }
    if (s.length == 3) {
      switch (call.method()) {
        case "GET" -> listMachines(call, name);
        case "POST" -> createMachine(call, app.get(), token.get());
        default -> error(call, 405, "method not allowed", null);
      }
      return;
    }
    String id = s[3];
    synchronized (state) {
      Map<String, State.Machine> ms = state.machinesOf(name);
      State.Machine m = ms == null ? null : ms.get(id);
      if (m == null) {
        State.Machine gone = state.destroyedMachinesOf(name).get(id);
        // a destroyed machine stays readable: GET shows state destroyed, wait sees it
        if (gone != null && call.method().equals("GET") && s.length == 4) {
          call.respondJson(200, machineJson(gone));
        } else if (gone != null && call.method().equals("GET") && s[4].equals("wait")) {
          waitFor(call, gone);
        } else if (gone != null) {
          error(call, 404, "machine " + id + " is destroyed", null);
        } else {
          error(call, 404, "machine not found", null);
        }
        return;
      }
      if (s.length == 4) {
        switch (call.method()) {
          case "GET" -> call.respondJson(200, machineJson(m));
          case "POST" -> updateMachine(call, app.get(), m);
          case "DELETE" -> {
            if (!leaseAllows(call, m)) {
              return;
            }
            boolean force = call.query("force").map(Boolean::parseBoolean).orElse(false);
            if (RUNNING.contains(m.state) && !force) {
              // the OpenAPI's force parameter "force kill the machine if it's running"
              error(
                  call,
                  412,
                  "failed_precondition: unable to destroy machine "
                      + id
                      + ", it is "
                      + m.state
                      + "; stop it first or pass force=true",
                  null);
              return;
            }
            state.destroyMachine(name, m);
            call.respondJson(200, Call.JSON.createObjectNode().put("ok", true));
          }
          default -> error(call, 405, "method not allowed", null);
        }
        return;
      }
      switch (s[4] + " " + call.method()) {
        case "lease GET" -> {
          State.Lease l = activeLease(m);
          if (l == null) {
            error(call, 404, "lease not found", null);
          } else {
            call.respondJson(200, leaseJson(l));
          }
        }
        case "lease POST" -> acquireLease(call, m, token.get());
        case "lease DELETE" -> releaseLease(call, m);
        case "wait GET" -> waitFor(call, m);
        case "start POST" -> {
          if (!leaseAllows(call, m)) {
            return;
          }
          setState(m, State.launchState(m));
          call.respond(200, null, null);
        }
        case "stop POST" -> {
          if (!leaseAllows(call, m)) {
            return;
          }
          setState(m, "stopped");
          call.respond(200, null, null);
        }
        default -> error(call, 404, "not found", null);
      }
    }
  }

  static String authorization(Call call) {
    String h = call.header("Authorization").orElse(null);
    if (h == null) {
      return null;
    }
    String t = h.trim();
    if (t.regionMatches(true, 0, "FlyV1 ", 0, 6) || t.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return t;
    }
    return null;
  }

  static void error(Call call, int status, String message, String statusCode) throws IOException {
    ObjectNode e = Call.JSON.createObjectNode().put("error", message);
    if (statusCode != null) {
      e.put("status", statusCode);
    }
    call.respondJson(status, e);
  }

  // ------------------------------------------------------------------------------ apps

  /**
   * The OpenAPI's {@code org_slug} is "the org slug, or 'personal'": {@code personal} names the
   * organization of the token.
   */
  private static boolean namesOrg(String slug, State.Org org) {
    return slug.equals(org.slug()) || slug.equals(PERSONAL);
  }

  private void listApps(Call call, State.Org org) throws IOException {
    Optional<String> slug = call.query("org_slug");
    if (slug.isEmpty() || slug.get().isBlank()) {
      error(call, 400, "org_slug is required", null);
      return;
    }
    if (!namesOrg(slug.get(), org)) {
      error(call, 404, "organization not found", null);
      return;
    }
    ObjectNode body = Call.JSON.createObjectNode();
    List<State.App> apps = state.apps(org.slug());
    body.put("total_apps", apps.size());
    ArrayNode arr = body.putArray("apps");
    for (State.App a : apps) {
      arr.add(appJson(a));
    }
    call.respondJson(200, body);
  }

  private void createApp(Call call, State.Org org) throws IOException {
    Optional<JsonNode> body = call.jsonBody();
    if (body.isEmpty()) {
      error(call, 400, "request body must be a JSON object", null);
      return;
    }
    String name = text(body.get(), F_NAME);
    String slug = text(body.get(), F_ORG_SLUG);
    if (slug == null || slug.isBlank()) {
      error(call, 400, "org_slug is required", null);
      return;
    }
    if (!namesOrg(slug, org)) {
      error(call, 404, "organization not found", null);
      return;
    }
    String problem = State.appNameProblem(name);
    if (problem != null) {
      error(call, 400, "Validation failed: " + problem, null);
      return;
    }
    State.App app;
    synchronized (state) {
      if (state.app(name).isPresent()) {
        error(call, 422, "Validation failed: Name has already been taken", "name_taken");
        return;
      }
      app = state.createApp(org.slug(), name);
    }
    call.respondJson(201, appJson(app));
  }

  private ObjectNode appJson(State.App a) {
    ObjectNode n = Call.JSON.createObjectNode();
    n.put("id", a.id());
    n.put("name", a.name());
    Map<String, State.Machine> ms = state.machinesOf(a.name());
    int count = ms == null ? 0 : ms.size();
    n.put("status", count == 0 ? "pending" : "deployed");
    n.put("machine_count", count);
    n.put("network", "default");
    ObjectNode o = n.putObject("organization");
    o.put("name", a.org().name());
    o.put("slug", a.org().slug());
    return n;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? null : v.textValue();
  }

  // ------------------------------------------------------------------------------ machines

  private void listMachines(Call call, String app) throws IOException {
    ArrayNode arr = Call.JSON.createArrayNode();
    synchronized (state) {
      Map<String, State.Machine> ms = state.machinesOf(app);
      Optional<String> wanted = call.query("state");
      List<State.Machine> all = new ArrayList<>(ms.values());
      if (call.query("include_deleted").map(Boolean::parseBoolean).orElse(false)) {
        all.addAll(state.destroyedMachinesOf(app).values());
      }
      for (State.Machine m : all) {
        if (wanted.isEmpty() || List.of(wanted.get().split(",")).contains(m.state)) {
          arr.add(machineJson(m));
        }
      }
    }
    call.respondJson(200, arr);
  }

  /** Checks the config and its image; answers the error itself. */
  private Optional<ObjectNode> config(Call call, State.App app, JsonNode body) throws IOException {
    JsonNode cfg = body.get(F_CONFIG);
    if (cfg == null || !cfg.isObject()) {
      error(call, 400, "config is required", null);
      return Optional.empty();
    }
    String image = text(cfg, F_IMAGE);
    if (image == null || image.isBlank()) {
      error(call, 400, "config.image is required", null);
      return Optional.empty();
    }
    ImageReference ref;
    try {
      ref = ImageReference.parseDocker(image);
    } catch (RuntimeException e) {
      error(call, 400, "invalid image reference \"" + image + "\": " + e.getMessage(), null);
      return Optional.empty();
    }
    if (state.isLocalRegistry(ref.registry()) && state.resolve(image, app.org()).isEmpty()) {
      error(
          call,
          400,
          "failed to resolve image "
              + image
              + ": manifest unknown (no such image in this"
              + " organization's registry)",
          null);
      return Optional.empty();
    }
    return Optional.of(((ObjectNode) cfg).deepCopy());
  }

  private void applyConfig(State.Machine m, State.App app, ObjectNode cfg, JsonNode body) {
    m.config = cfg;
    String image = cfg.get(F_IMAGE).textValue();
    m.imageRef = ImageReference.parseDocker(image);
    m.imageDigest = state.resolve(image, app.org()).map(r -> r.manifest().digest()).orElse(null);
    m.instanceId = State.randomId(26).toUpperCase(java.util.Locale.ROOT);
    m.updatedAt = state.clock.instant();
    boolean skipLaunch = body.path(F_SKIP_LAUNCH).asBoolean(false);
    String region = text(body, F_REGION);
    if (region != null) {
      m.region = region;
    }
    m.state = skipLaunch ? (m.state == null ? "created" : "stopped") : State.launchState(m);
    state.notifyAll();
  }

  private void createMachine(Call call, State.App app, State.Token token) throws IOException {
    Optional<JsonNode> body = call.jsonBody();
    if (body.isEmpty()) {
      error(call, 400, "request body must be a JSON object", null);
      return;
    }
    synchronized (state) {
      Optional<ObjectNode> cfg = config(call, app, body.get());
      if (cfg.isEmpty()) {
        return;
      }
      State.Machine m = new State.Machine(State.randomHex(14), app.name());
      String name = text(body.get(), F_NAME);
      m.name = name != null ? name : "machine-" + m.id.substring(0, 6);
      m.region = "iad";
      m.createdAt = state.clock.instant();
      applyConfig(m, app, cfg.get(), body.get());
      state.machinesOf(app.name()).put(m.id, m);
      call.respondJson(200, machineJson(m));
    }
  }

  private void updateMachine(Call call, State.App app, State.Machine m) throws IOException {
    if (!leaseAllows(call, m)) {
      return;
    }
    Optional<JsonNode> body = call.jsonBody();
    if (body.isEmpty()) {
      error(call, 400, "request body must be a JSON object", null);
      return;
    }
    Optional<ObjectNode> cfg = config(call, app, body.get());
    if (cfg.isEmpty()) {
      return;
    }
    applyConfig(m, app, cfg.get(), body.get());
    call.respondJson(200, machineJson(m));
  }

  private void setState(State.Machine m, String s) {
    m.state = s;
    m.updatedAt = state.clock.instant();
    state.notifyAll();
  }

  private ObjectNode machineJson(State.Machine m) {
    ObjectNode n = Call.JSON.createObjectNode();
    n.put("id", m.id);
    n.put("name", m.name);
    n.put("state", m.state);
    n.put("region", m.region);
    n.put("instance_id", m.instanceId);
    n.put("private_ip", "fdaa:0:1::" + m.id.substring(0, 4));
    n.set("config", m.config);
    ObjectNode ir = n.putObject("image_ref");
    ir.put("registry", m.imageRef.registry());
    ir.put("repository", m.imageRef.repository());
    ir.put("tag", m.imageRef.tag().orElse(""));
    ir.put("digest", m.imageDigest != null ? m.imageDigest.toString() : "");
    ir.putObject("labels");
    n.put("created_at", m.createdAt.toString());
    n.put("updated_at", m.updatedAt.toString());
    return n;
  }

  // ------------------------------------------------------------------------------ leases

  private State.Lease activeLease(State.Machine m) {
    State.Lease l = m.lease;
    if (l != null && l.expiresAt <= state.clock.instant().getEpochSecond()) {
      m.lease = null;
      return null;
    }
    return l;
  }

  private boolean leaseAllows(Call call, State.Machine m) throws IOException {
    State.Lease l = activeLease(m);
    if (l == null) {
      return true;
    }
    String nonce = call.header(NONCE_HEADER).orElse(null);
    if (l.nonce.equals(nonce)) {
      return true;
    }
    error(
        call,
        409,
        nonce == null
            ? "machine " + m.id + " is leased; send its nonce in " + NONCE_HEADER
            : "lease nonce does not match the lease held on machine " + m.id,
        null);
    return false;
  }

  private void acquireLease(Call call, State.Machine m, State.Token token) throws IOException {
    State.Lease held = activeLease(m);
    String nonce = call.header(NONCE_HEADER).orElse(null);
    if (held != null && !held.nonce.equals(nonce)) {
      error(
          call,
          409,
          "lease currently held by "
              + held.owner
              + ", expires at "
              + Instant.ofEpochSecond(held.expiresAt),
          null);
      return;
    }
    JsonNode body = call.jsonBody().orElse(Call.JSON.createObjectNode());
    long ttl = body.path(F_TTL).asLong(30);
    if (ttl <= 0) {
      ttl = 30;
    }
    State.Lease l = held != null ? held : new State.Lease();
    if (held == null) {
      l.nonce = State.randomHex(12);
      l.owner = token.user().email();
    }
    l.expiresAt = state.clock.instant().getEpochSecond() + ttl;
    String description = text(body, F_DESCRIPTION);
    if (description != null) {
      l.description = description;
    }
    l.version = State.randomId(26).toUpperCase(java.util.Locale.ROOT);
    m.lease = l;
    call.respondJson(201, leaseJson(l));
  }

  private void releaseLease(Call call, State.Machine m) throws IOException {
    State.Lease held = activeLease(m);
    if (held == null) {
      call.respond(200, null, null);
      return;
    }
    if (!held.nonce.equals(call.header(NONCE_HEADER).orElse(null))) {
      error(call, 409, "lease nonce does not match the lease held on machine " + m.id, null);
      return;
    }
    m.lease = null;
    call.respond(200, null, null);
  }

  private static ObjectNode leaseJson(State.Lease l) {
    ObjectNode n = Call.JSON.createObjectNode();
    n.put("nonce", l.nonce);
    n.put("expires_at", l.expiresAt);
    n.put("owner", l.owner);
    if (l.description != null) {
      n.put("description", l.description);
    }
    n.put("version", l.version);
    return n;
  }

  // ------------------------------------------------------------------------------ wait

  private void waitFor(Call call, State.Machine m) throws IOException {
    Set<String> wanted = new LinkedHashSet<>();
    for (String v : call.queryAll("state")) {
      for (String p : v.split(",")) {
        if (!p.isBlank()) {
          wanted.add(p.trim());
        }
      }
    }
    for (String w : wanted) {
      if (!WAIT_STATES.contains(w)) {
        error(
            call,
            400,
            "invalid state \""
                + w
                + "\": wait takes "
                + String.join(", ", WAIT_STATES)
                + " (repeated or comma-separated)",
            null);
        return;
      }
    }
    if (wanted.isEmpty()) {
      wanted.add("started");
    }
    if (wanted.remove("settled")) {
      wanted.addAll(SETTLED);
    }
    long timeoutSeconds = 60;
    Optional<String> t = call.query("timeout");
    if (t.isPresent()) {
      try {
        timeoutSeconds = Long.parseLong(t.get().replaceAll("s$", ""));
      } catch (NumberFormatException e) {
        error(call, 400, "invalid timeout \"" + t.get() + "\"", null);
        return;
      }
    }
    long timeoutMillis =
        Math.min(Duration.ofSeconds(Math.max(0, timeoutSeconds)).toMillis(), maxWait.toMillis());
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!wanted.contains(m.state)) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        error(
            call,
            408,
            "deadline_exceeded: machine "
                + m.id
                + " is "
                + m.state
                + ", not "
                + String.join("|", wanted),
            null);
        return;
      }
      try {
        state.wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        call.drop();
        return;
      }
    }
    ObjectNode n = Call.JSON.createObjectNode();
    n.put("ok", true);
    n.put("state", m.state);
    n.put("version", m.instanceId);
    call.respondJson(200, n);
  }
}
