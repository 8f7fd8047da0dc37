package dev.flyregistry.internal.machines;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * The JSON shapes the Machines API client sends and reads, in snake_case. Tests check every
 * property name against the OpenAPI description of the Machines API.
 */
public final class Json {
  private Json() {}

  /** The mapper of every Machines API body: snake_case, unknown properties ignored, no nulls. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  /** Schema {@code App}. */
  public record AppDto(
      String id, String name, String status, OrgDto organization, Integer machineCount) {}

  /** Schema {@code AppOrganizationInfo}. */
  public record OrgDto(String name, String slug) {}

  /** Schema {@code ListAppsResponse}. */
  public record ListAppsDto(List<AppDto> apps, Integer totalApps) {}

  /** Schema {@code Machine}; the configuration stays a tree so unknown fields survive an update. */
  public record MachineDto(
      String id, String name, String state, String region, String instanceId, JsonNode config) {}

  /** Schema {@code Lease}. */
  public record LeaseDto(
      String nonce, Long expiresAt, String owner, String description, String version) {}

  /** Schema {@code WaitMachineResponse}. */
  public record WaitDto(Boolean ok, String state) {}

  /** Schema {@code ErrorResponse}. */
  public record ErrorDto(String error, JsonNode status) {}

  /** Schema {@code CreateAppRequest}. */
  public record CreateAppRequest(String name, String orgSlug) {}

  /** Schema {@code CreateLeaseRequest}. */
  public record CreateLeaseRequest(Integer ttl, String description) {}

  /** Schema {@code UpdateMachineRequest}: the whole configuration, round-tripped as a tree. */
  public record UpdateMachineRequest(JsonNode config) {}

  /**
   * Body of {@code POST <releases>/releases}: the snake_case form of the fields of GraphQL's {@code
   * CreateReleaseInput} that a machines deploy sets.
   */
  public record CreateReleaseRequest(
      String appName, String image, String platformVersion, String strategy, String description) {}

  /** A release record as the releases endpoint returns it. */
  public record ReleaseDto(String id, Integer version, String status) {}

  /** Body of {@code PATCH <releases>/releases/{id}}. */
  public record UpdateReleaseRequest(String status) {}

  /** Field of {@code fly.MachineConfig} that a deploy changes. */
  public static final String CONFIG_IMAGE = "image";
}
