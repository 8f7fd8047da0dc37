package dev.flyregistry.internal.machines;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.internal.machines.MachinesHttp.Answer;
import dev.flyregistry.internal.machines.MachinesHttp.Call;
import dev.flyregistry.machines.MachinesApiException;

/**
 * Release records ({@code POST <releases>/releases}, {@code PATCH <releases>/releases/{id}}), so
 * that the app's release list shows a deployed image.
 */
public final class Releases {
  /** The platform a machines deploy runs on. */
  static final String PLATFORM = "machines";

  /** The strategy this SDK's deploy follows: one machine after the other. */
  static final String STRATEGY = "ROLLING";

  private final MachinesHttp http;

  /** A created release record. */
  public record Created(String id, Integer version) {}

  public Releases(MachinesHttp http) {
    this.http = http;
  }

  /** Creates a release record for a deploy that is starting. */
  public Created create(String app, String image, String description) {
    Call call =
        Call.mutate(
            "releases.create",
            "POST",
            http.releases().addPathSegment("releases").build(),
            new Json.CreateReleaseRequest(app, image, PLATFORM, STRATEGY, description));
    Answer answer = http.send(call);
    JsonNode tree = http.readTree(call, answer);
    JsonNode release = tree.path("release").isObject() ? tree.get("release") : tree;
    JsonNode id = release.get("id");
    if (id == null || !id.isValueNode() || id.asText().isBlank()) {
      throw new MachinesApiException(
          MachinesHttp.where(call) + ": the answer holds no release id",
          answer.code(),
          null,
          null,
          answer.requestId(),
          null);
    }
    JsonNode version = release.get("version");
    return new Created(
        id.asText(), version != null && version.canConvertToInt() ? version.asInt() : null);
  }

  /** Sets a release record's final status ({@code complete} or {@code failed}). */
  public void finish(String releaseId, String status) {
    Call call =
        Call.mutate(
            "releases.update",
            "PATCH",
            http.releases().addPathSegment("releases").addPathSegment(releaseId).build(),
            new Json.UpdateReleaseRequest(status));
    http.send(call);
  }
}
