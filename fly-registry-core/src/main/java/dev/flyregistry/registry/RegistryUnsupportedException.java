package dev.flyregistry.registry;

import java.util.List;

/**
 * The registry does not offer an operation: it answered {@code 405 Method Not Allowed} or reported
 * {@code UNSUPPORTED} (deleting manifests, for instance, is often disabled).
 */
public class RegistryUnsupportedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was attempted and where
   * @param status the HTTP status
   * @param errors the registry's error entries, possibly empty
   * @param registry the registry host
   * @param repository the repository
   */
  public RegistryUnsupportedException(
      String message, int status, List<RegistryError> errors, String registry, String repository) {
    super(message, status, errors, registry, repository, null);
  }
}
