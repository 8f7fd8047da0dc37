package dev.flyregistry.machines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.internal.http.Excerpts;
import dev.flyregistry.internal.machines.Json;
import dev.flyregistry.internal.machines.MachinesHttp;
import dev.flyregistry.internal.machines.MachinesHttp.Answer;
import dev.flyregistry.internal.machines.MachinesHttp.Call;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The machines of an app: list and read them, take and release leases, change the image of a
 * machine's configuration and wait for a state. Obtain it from {@link MachinesClient#machines()};
 * thread-safe.
 *
 * <p>A machine ID made of anything but letters, digits, {@code -} and {@code _} is refused with an
 * {@link IllegalArgumentException} before any request is sent.
 */
public final class Machines {
  /** The states {@link #waitFor} accepts. */
  public static final Set<String> WAIT_STATES =
      Set.of("started", "stopped", "suspended", "destroyed", "failed", "settled");

  /** The longest wait the API accepts in one request. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  private final MachinesHttp http;

  Machines(MachinesHttp http) {
    this.http = http;
  }

  /**
   * Lists an app's machines ({@code GET /apps/{app}/machines}).
   *
   * @param app the app name
   * @return its machines
   * @throws MachinesNotFoundException when there is no such app
   * @throws MachinesApiException when the API fails
   */
  public List<Machine> list(String app) {
    Call call = Call.get("machines.list", machines(app).build());
    JsonNode tree = http.readTree(call, http.send(call));
    if (!tree.isArray()) {
      throw new MachinesApiException(
          MachinesHttp.where(call) + ": expected a JSON array of machines",
          200,
          null,
          null,
          null,
          null);
    }
    List<Machine> out = new ArrayList<>();
    for (JsonNode node : tree) {
      out.add(toMachine(call, treeToDto(call, node)));
    }
    return List.copyOf(out);
  }

  /**
   * Reads one machine ({@code GET /apps/{app}/machines/{id}}).
   *
   * @param app the app name
   * @param machineId the machine ID
   * @return the machine, or empty when the app or the machine does not exist
   * @throws MachinesApiException when the API fails
   */
  public Optional<Machine> get(String app, String machineId) {
    Call call = Call.get("machines.get", machine(app, machineId).build());
    return MachinesHttp.optional(
        () -> toMachine(call, http.read(call, http.send(call), Json.MachineDto.class)));
  }

  /**
   * Takes a lease on a machine ({@code POST /apps/{app}/machines/{id}/lease}), so that no one else
   * changes it until the lease is released or expires.
   *
   * @param app the app name
   * @param machineId the machine ID
   * @param ttl how long the lease lasts unless released (whole seconds, at least 1)
   * @param description why it is held (shown to others who find it held)
   * @return the lease
   * @throws LeaseConflictException when someone else holds the machine's lease
   * @throws MachinesNotFoundException when the app or the machine does not exist
   * @throws MachinesApiException when the API fails otherwise
   */
  public Lease acquireLease(String app, String machineId, Duration ttl, String description) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.getSeconds() < 1) {
      throw new IllegalArgumentException("lease ttl must be at least 1 second, was " + ttl);
    }
    Call call =
        Call.mutate(
            "machines.lease.acquire",
            "POST",
            machine(app, machineId).addPathSegment("lease").build(),
            new Json.CreateLeaseRequest(
                (int) Math.min(Integer.MAX_VALUE, ttl.getSeconds()), description));
    Answer answer;
    try {
      answer = http.send(call);
    } catch (MachinesApiException e) {
      if (e.httpStatus() == 409) {
        throw new LeaseConflictException(machineId, e);
      }
      throw e;
    }
    JsonNode tree = http.readTree(call, answer);
    // The deployed API wraps the lease as {"status", "data": {...}}; the OpenAPI shows it bare.
    JsonNode lease = tree.path("data").isObject() ? tree.get("data") : tree;
    Json.LeaseDto dto;
    try {
      dto = Json.MAPPER.treeToValue(lease, Json.LeaseDto.class);
    } catch (Exception e) {
      throw new MachinesApiException(
          MachinesHttp.where(call) + ": unreadable lease",
          answer.code(),
          null,
          null,
          answer.requestId(),
          e);
    }
    if (dto == null || dto.nonce() == null || dto.nonce().isBlank()) {
      throw new MachinesApiException(
          MachinesHttp.where(call) + ": the answer holds no lease nonce",
          answer.code(),
          null,
          null,
          answer.requestId(),
          null);
    }
    return new Lease(
        machineId,
        dto.nonce(),
        Optional.ofNullable(dto.expiresAt()).map(Instant::ofEpochSecond),
        Optional.ofNullable(dto.owner()));
  }

  /**
   * Releases a lease ({@code DELETE /apps/{app}/machines/{id}/lease} with header {@code
   * fly-machine-lease-nonce}).
   *
   * @param app the app name
   * @param lease the lease to release
   * @throws MachinesApiException when the API refuses (a lease that is already gone is not an
   *     error)
   */
  public void releaseLease(String app, Lease lease) {
    Objects.requireNonNull(lease, "lease");
    Call call =
        Call.mutate(
                "machines.lease.release",
                "DELETE",
                machine(app, lease.machineId()).addPathSegment("lease").build(),
                null)
            .withLease(lease.nonce());
    MachinesHttp.optional(() -> http.send(call));
  }

  /**
   * Changes the image of a machine's configuration ({@code POST /apps/{app}/machines/{id}}),
   * keeping every other field of the configuration as the API returned it, including fields this
   * SDK does not know. The machine is read first; the update carries the lease's nonce.
   *
   * @param app the app name
   * @param machineId the machine ID
   * @param image the new image reference
   * @param lease the lease held on the machine
   * @return the machine as updated (with its new version's instance ID)
   * @throws MachinesNotFoundException when the app or the machine does not exist
   * @throws MachinesApiException when the API refuses the update
   */
  public Machine updateImage(String app, String machineId, String image, Lease lease) {
    Objects.requireNonNull(image, "image");
    if (image.isBlank()) {
      throw new IllegalArgumentException("image is blank");
    }
    Objects.requireNonNull(lease, "lease");
    if (!lease.machineId().equals(machineId)) {
      throw new IllegalArgumentException(
          "the lease is for machine " + lease.machineId() + ", not " + machineId);
    }
    Call read = Call.get("machines.get", machine(app, machineId).build());
    JsonNode current = http.readTree(read, http.send(read));
    JsonNode config = current.get("config");
    if (config == null || !config.isObject()) {
      throw new MachinesApiException(
          MachinesHttp.where(read) + ": the machine has no configuration object",
          200,
          null,
          null,
          null,
          null);
    }
    ObjectNode updated = ((ObjectNode) config).deepCopy();
    updated.put(Json.CONFIG_IMAGE, image);
    Call call =
        Call.mutate(
                "machines.update",
                "POST",
                machine(app, machineId).build(),
                new Json.UpdateMachineRequest(updated))
            .withLease(lease.nonce());
    return toMachine(call, http.read(call, http.send(call), Json.MachineDto.class));
  }

  /**
   * Waits until a machine reaches a state ({@code GET /apps/{app}/machines/{id}/wait}). Like other
   * reads, the request is repeated after a network error or a transient status, asking for what is
   * left of {@code timeout} (at least a second); the API's 408 (the state was not reached in time)
   * is not repeated.
   *
   * @param app the app name
   * @param machineId the machine ID
   * @param state one of {@link #WAIT_STATES}
   * @param version the machine version (instance ID) that must reach the state, or null for any
   * @param timeout how long the API waits, from 1 second to {@link #MAX_WAIT}
   * @throws MachineWaitTimeoutException when the state is not reached in time
   * @throws MachinesApiException when the API fails otherwise
   */
  public void waitFor(
      String app, String machineId, String state, String version, Duration timeout) {
    Objects.requireNonNull(state, "state");
    if (!WAIT_STATES.contains(state)) {
      throw new IllegalArgumentException(
          "cannot wait for state '" + state + "'; expected one of " + WAIT_STATES);
    }
    long seconds = waitSeconds(timeout);
    HttpUrl.Builder url =
        machine(app, machineId)
            .addPathSegment("wait")
            .addQueryParameter("state", state)
            .addQueryParameter("timeout", Long.toString(seconds));
    if (version != null && !version.isBlank()) {
      url.addQueryParameter("version", version);
    }
    // Retried as a read on network errors and transient statuses; a 408 is the API's answer to a
    // wait that ran out, and is not retried (see MachinesHttp#sendLongPoll).
    Call call = Call.get("machines.wait", url.build());
    Answer answer;
    try {
      answer = http.sendLongPoll(call, timeout);
    } catch (MachinesApiException e) {
      if (e.httpStatus() == 408) {
        throw new MachineWaitTimeoutException(machineId, state, e);
      }
      throw e;
    }
    Json.WaitDto dto = http.read(call, answer, Json.WaitDto.class);
    if (Boolean.FALSE.equals(dto.ok())) {
      throw new MachinesApiException(
          MachinesHttp.where(call) + ": the API answered ok=false (state " + dto.state() + ")",
          answer.code(),
          null,
          null,
          answer.requestId(),
          null);
    }
  }

  /**
   * Checks a wait timeout and turns it into the API's whole seconds (rounded up).
   *
   * @param timeout the timeout
   * @return whole seconds from 1 to 60
   */
  static long waitSeconds(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          "wait timeout must be more than 0 and at most 60 seconds (the API's limit), was "
              + timeout);
    }
    long s = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
    return Math.min(60, s);
  }

  private HttpUrl.Builder machines(String app) {
    AppName.validate(app);
    return http.api().addPathSegment("apps").addPathSegment(app).addPathSegment("machines");
  }

  private HttpUrl.Builder machine(String app, String machineId) {
    Objects.requireNonNull(machineId, "machineId");
    // Fly's machine IDs are hex; letters, digits, '-' and '_' keep the ID one path segment ("."
    // and ".." would be resolved away, to the app or the machine list)
    boolean valid =
        !machineId.isEmpty()
            && machineId
                .chars()
                .allMatch(
                    c ->
                        (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '-'
                            || c == '_');
    if (!valid) {
      throw new IllegalArgumentException(
          "invalid machine ID '"
              + Excerpts.oneLine(machineId, 100)
              + "': expected letters, digits, '-' or '_' (such as 3d8d9e4a0f1e89)");
    }
    return machines(app).addPathSegment(machineId);
  }

  private Json.MachineDto treeToDto(Call call, JsonNode node) {
    try {
      return Json.MAPPER.treeToValue(node, Json.MachineDto.class);
    } catch (Exception e) {
      throw new MachinesApiException(
          MachinesHttp.where(call) + ": unreadable machine", 200, null, null, null, e);
    }
  }

  private static Machine toMachine(Call call, Json.MachineDto dto) {
    if (dto == null || dto.id() == null || dto.id().isBlank()) {
      throw new MachinesApiException(
          MachinesHttp.where(call) + ": machine without an id", 200, null, null, null, null);
    }
    JsonNode image = dto.config() == null ? null : dto.config().get(Json.CONFIG_IMAGE);
    return new Machine(
        dto.id(),
        Optional.ofNullable(dto.name()),
        dto.state() == null ? "unknown" : dto.state(),
        Optional.ofNullable(dto.region()),
        image != null && image.isTextual() ? Optional.of(image.asText()) : Optional.empty(),
        Optional.ofNullable(dto.instanceId()));
  }
}
