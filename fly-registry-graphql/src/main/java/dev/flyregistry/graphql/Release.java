package dev.flyregistry.graphql;

import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.InvalidReferenceException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One release of a Fly app, as {@code releasesUnprocessed} reports it.
 *
 * @param id the release's node ID
 * @param version the release number ({@code v<N>} in {@code fly releases})
 * @param description the description ({@code "Deploy image"}, ...)
 * @param reason the reason ({@code "deploy"}, ...)
 * @param status the status text as the API sent it; see {@link #releaseStatus()}
 * @param imageRef the image the release deployed as the API wrote it, when it knows it; see {@link
 *     #imageReference()}
 * @param stable whether Fly marks the release stable
 * @param user who created the release, when known
 * @param createdAt when the release was created
 */
public record Release(
    String id,
    int version,
    String description,
    String reason,
    String status,
    Optional<String> imageRef,
    boolean stable,
    Optional<ReleaseUser> user,
    Instant createdAt) {

  /**
   * Validates the components.
   *
   * @param id the release's node ID
   * @param version the release number ({@code v<N>} in {@code fly releases})
   * @param description the description ({@code "Deploy image"}, ...)
   * @param reason the reason ({@code "deploy"}, ...)
   * @param status the status text as the API sent it; see {@link #releaseStatus()}
   * @param imageRef the image the release deployed as the API wrote it, when it knows it; see
   *     {@link #imageReference()}
   * @param stable whether Fly marks the release stable
   * @param user who created the release, when known
   * @param createdAt when the release was created
   */
  public Release {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(imageRef, "imageRef");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * @return the status as a known constant, {@link ReleaseStatus#UNKNOWN} for other text
   */
  public ReleaseStatus releaseStatus() {
    return ReleaseStatus.of(status);
  }

  /**
   * @return whether the status is {@code complete}
   */
  public boolean isComplete() {
    return releaseStatus() == ReleaseStatus.COMPLETE;
  }

  /**
   * @return whether the status is {@code failed}
   */
  public boolean isFailed() {
    return releaseStatus() == ReleaseStatus.FAILED;
  }

  /**
   * @return whether the status is {@code pending} or {@code running}
   */
  public boolean isInProgress() {
    ReleaseStatus s = releaseStatus();
    return s == ReleaseStatus.PENDING || s == ReleaseStatus.RUNNING;
  }

  /**
   * @return whether the status is {@code interrupted}
   */
  public boolean isInterrupted() {
    return releaseStatus() == ReleaseStatus.INTERRUPTED;
  }

  /**
   * The deployed image as a parsed reference. The API's text is read the way the Docker CLI reads
   * it ({@link ImageReference#parseDocker(String)}): a name without a registry is on Docker Hub.
   *
   * @return the reference, empty when the release names no image or its text is not a valid
   *     reference (then {@link #imageRef()} still holds the text)
   */
  public Optional<ImageReference> imageReference() {
    if (imageRef.isEmpty() || imageRef.get().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ImageReference.parseDocker(imageRef.get().trim()));
    } catch (InvalidReferenceException e) {
      return Optional.empty();
    }
  }

  /**
   * @return the user's email, when the release names a user
   */
  public Optional<String> userEmail() {
    return user.map(ReleaseUser::email);
  }
}
