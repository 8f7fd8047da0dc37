package dev.flyregistry.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An image's configuration: the JSON blob its manifest names as {@code config} (OCI {@code
 * application/vnd.oci.image.config.v1+json}, Docker {@code
 * application/vnd.docker.container.image.v1+json}). Read with {@link
 * RegistryClient#config(ImageReference)}.
 *
 * <p>{@link #toString()} names the digest, platform and layer count only: the environment of an
 * image may hold values its author did not mean to publish.
 *
 * @param digest the digest of the configuration blob (verified against its bytes)
 * @param platform the platform the image runs on ({@code os}, {@code architecture}, {@code
 *     variant}, {@code os.version}, {@code os.features})
 * @param created when the image was created, when the configuration says so in RFC 3339
 * @param entrypoint {@code config.Entrypoint}, empty when unset
 * @param cmd {@code config.Cmd}, empty when unset
 * @param env {@code config.Env} ({@code NAME=value} entries), empty when unset
 * @param workingDir {@code config.WorkingDir}, when set and not empty
 * @param user {@code config.User}, when set and not empty
 * @param labels {@code config.Labels}, empty when unset
 * @param exposedPorts the keys of {@code config.ExposedPorts} ({@code 8080/tcp}), sorted
 * @param diffIds {@code rootfs.diff_ids}: the digests of the uncompressed layers, base first
 * @param json the configuration exactly as stored (UTF-8 JSON)
 */
public record ImageConfig(
    Digest digest,
    Platform platform,
    Optional<Instant> created,
    List<String> entrypoint,
    List<String> cmd,
    List<String> env,
    Optional<String> workingDir,
    Optional<String> user,
    Map<String, String> labels,
    List<String> exposedPorts,
    List<Digest> diffIds,
    String json) {

  /**
   * Checks for nulls and copies the collections.
   *
   * @param digest the digest of the configuration blob (verified against its bytes)
   * @param platform the platform the image runs on ({@code os}, {@code architecture}, {@code
   *     variant}, {@code os.version}, {@code os.features})
   * @param created when the image was created, when the configuration says so in RFC 3339
   * @param entrypoint {@code config.Entrypoint}, empty when unset
   * @param cmd {@code config.Cmd}, empty when unset
   * @param env {@code config.Env} ({@code NAME=value} entries), empty when unset
   * @param workingDir {@code config.WorkingDir}, when set and not empty
   * @param user {@code config.User}, when set and not empty
   * @param labels {@code config.Labels}, empty when unset
   * @param exposedPorts the keys of {@code config.ExposedPorts} ({@code 8080/tcp}), sorted
   * @param diffIds {@code rootfs.diff_ids}: the digests of the uncompressed layers, base first
   * @param json the configuration exactly as stored (UTF-8 JSON)
   */
  public ImageConfig {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(created, "created");
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    env = List.copyOf(env);
    Objects.requireNonNull(workingDir, "workingDir");
    Objects.requireNonNull(user, "user");
    labels = Map.copyOf(labels);
    exposedPorts = List.copyOf(exposedPorts);
    diffIds = List.copyOf(diffIds);
    Objects.requireNonNull(json, "json");
  }

  /**
   * @return {@code ImageConfig[digest, platform, N layers]}, without the environment or labels
   */
  @Override
  public String toString() {
    return "ImageConfig[" + digest + ", " + platform + ", " + diffIds.size() + " layers]";
  }
}
