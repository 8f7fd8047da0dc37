package dev.flyregistry.registry;

import java.util.List;
import java.util.Objects;

/**
 * Content whose digest differs from the one it must have: a manifest pulled by digest that hashes
 * to something else, or a {@code Docker-Content-Digest} header that disagrees with the bytes.
 */
public class DigestMismatchException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** The digest the content should have had. */
  private final Digest expected;

  /** The digest of the content received. */
  private final Digest actual;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and where
   * @param expected the digest the content should have
   * @param actual the digest of the content received
   * @param registry the registry host
   * @param repository the repository
   */
  public DigestMismatchException(
      String message, Digest expected, Digest actual, String registry, String repository) {
    super(message, 0, List.of(), registry, repository, null);
    this.expected = Objects.requireNonNull(expected, "expected");
    this.actual = Objects.requireNonNull(actual, "actual");
  }

  /**
   * @return the digest the content should have had
   */
  public Digest expected() {
    return expected;
  }

  /**
   * @return the digest of the content received
   */
  public Digest actual() {
    return actual;
  }
}
