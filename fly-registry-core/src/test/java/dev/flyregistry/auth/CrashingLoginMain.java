package dev.flyregistry.auth;

import java.nio.file.Path;

/**
 * Run in a second JVM by {@link DockerConfigStressTest}: starts a login and halts the JVM (no
 * shutdown hooks, no finally blocks) after the new content is written to the temporary file and
 * before it is renamed over {@code config.json}, like a power cut or {@code kill -9}.
 */
public final class CrashingLoginMain {
  private CrashingLoginMain() {}

  /**
   * @param args directory, host
   */
  public static void main(String[] args) {
    DockerConfig.at(Path.of(args[0]))
        .withBeforeRename(tmp -> Runtime.getRuntime().halt(3))
        .login(args[1], "crash-user", "crash-password");
  }
}
