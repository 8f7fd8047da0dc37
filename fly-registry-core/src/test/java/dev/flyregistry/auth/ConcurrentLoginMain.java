package dev.flyregistry.auth;

import java.nio.file.Path;

/**
 * Run in a second JVM by {@link DockerConfigLoginTest}: logs in {@code count} hosts named {@code
 * <prefix>-<i>.example} to the config in {@code dir}, printing "ready" first.
 */
public final class ConcurrentLoginMain {
  private ConcurrentLoginMain() {}

  /**
   * @param args directory, host prefix, count
   */
  public static void main(String[] args) {
    DockerConfig config = DockerConfig.at(Path.of(args[0]));
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    System.out.println("ready");
    System.out.flush();
    for (int i = 0; i < count; i++) {
      config.login(prefix + "-" + i + ".example", "user" + i, "pw-" + prefix + "-" + i);
    }
    System.out.println("done");
  }
}
