package dev.flyregistry.auth;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A docker {@code config.json} could not be read, parsed or written. A malformed file is reported,
 * never overwritten. Messages name the file and the entry, never a secret.
 */
public class DockerConfigException extends AuthException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the {@code config.json} concerned
   * @param message what went wrong, free of secrets
   * @param cause the underlying failure, or null
   */
  public DockerConfigException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * @return the {@code config.json} concerned
   */
  public Path file() {
    return file;
  }
}
