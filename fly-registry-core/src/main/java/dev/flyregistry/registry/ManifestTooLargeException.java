package dev.flyregistry.registry;

import java.util.List;
import java.util.OptionalLong;

/**
 * A manifest larger than the client's limit ({@code RegistryClient.Builder#maxManifestBytes}),
 * refused from its {@code Content-Length} or while reading the body.
 */
public class ManifestTooLargeException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** The limit in bytes. */
  private final long limit;

  /** The declared {@code Content-Length}, or -1 when there was none. */
  private final long declaredSize;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and where
   * @param limit the limit in bytes
   * @param declaredSize the {@code Content-Length}, or -1 when the body had none
   * @param registry the registry host
   * @param repository the repository
   */
  public ManifestTooLargeException(
      String message, long limit, long declaredSize, String registry, String repository) {
    super(message, 0, List.of(), registry, repository, null);
    this.limit = limit;
    this.declaredSize = declaredSize;
  }

  /**
   * @return the limit in bytes
   */
  public long limit() {
    return limit;
  }

  /**
   * @return the size the registry declared, if it declared one
   */
  public OptionalLong declaredSize() {
    return declaredSize < 0 ? OptionalLong.empty() : OptionalLong.of(declaredSize);
  }
}
