package dev.flyregistry.examples;

import dev.flyregistry.auth.DockerConfig;
import dev.flyregistry.auth.FlyToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Step 2: authenticate Docker to the registry, like {@code fly auth docker}: store the username
 * {@code x} and the Fly token as the password for {@code registry.fly.io} in {@code
 * ~/.docker/config.json}, keeping every other entry of the file. Afterwards {@code docker push},
 * {@code skopeo} and the SDK's {@code Credentials.defaultChain(...)} find the credential there.
 */
public final class AuthenticateDocker {
  private AuthenticateDocker() {}

  /**
   * Writes the credential.
   *
   * @param docker the docker configuration ({@code DockerConfig.defaultLocation()} for {@code
   *     $DOCKER_CONFIG} or {@code ~/.docker})
   * @param registryHost the registry, {@code registry.fly.io} ({@link FlyToken#FLY_REGISTRY})
   * @param token the Fly token
   * @return the file written
   */
  public static Path run(DockerConfig docker, String registryHost, FlyToken token) {
    docker.login(registryHost, token);
    return docker.file();
  }

  /**
   * Runs the step against an emulator, writing into a temporary directory (never your own {@code
   * ~/.docker}).
   *
   * @param args ignored
   * @throws IOException when the temporary directory cannot be created
   */
  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("docker-config");
    try (Sandbox fly = Sandbox.start()) {
      Path file = run(DockerConfig.at(dir), fly.registryHost(), fly.token());
      System.out.println("wrote credentials for " + fly.registryHost() + " to " + file);
      boolean found = DockerConfig.at(dir).lookup(fly.registryHost()).isPresent();
      System.out.println("docker config now has them: " + found);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
