package dev.flyregistry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs {@code skopeo} against a plain-HTTP registry on loopback: pushes OCI layouts and {@code
 * docker save} archives, reads raw manifests. Every call has a timeout and fails with skopeo's
 * stdout and stderr on a non-zero exit status. Credentials never appear in failure messages.
 *
 * <p>skopeo runs with {@code --insecure-policy} (no dependency on the machine's {@code
 * policy.json}) and with {@code REGISTRY_AUTH_FILE} and {@code DOCKER_CONFIG} pointing at an empty
 * private directory, so the developer's own registry logins are never read.
 */
public final class Skopeo {

  /** How skopeo authenticates to the registry. */
  public sealed interface Auth permits None, Basic, AuthFile, RegistryToken {}

  /** No credentials. */
  public record None() implements Auth {}

  /**
   * Username and password ({@code --creds}).
   *
   * @param username the username
   * @param password the password
   */
  public record Basic(String username, String password) implements Auth {
    /** Checks the fields. */
    public Basic {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Basic[" + username + ", ***]";
    }
  }

  /**
   * A containers-auth.json / docker config.json file ({@code --authfile}).
   *
   * @param file the file
   */
  public record AuthFile(Path file) implements Auth {
    /** Checks the field. */
    public AuthFile {
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * A Bearer token for the registry ({@code --registry-token}).
   *
   * @param token the token
   */
  public record RegistryToken(String token) implements Auth {
    /** Checks the field. */
    public RegistryToken {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "RegistryToken[***]";
    }
  }

  /** Manifest format skopeo writes to the destination. */
  public enum Format {
    /** Keep the source's format (OCI from an OCI layout). */
    KEEP,
    /** Docker image manifest v2 schema 2 (and Docker manifest lists with {@code --all}). */
    V2S2,
    /** OCI image manifest (and OCI indexes with {@code --all}). */
    OCI
  }

  /**
   * @return no credentials
   */
  public static Auth anonymous() {
    return new None();
  }

  /**
   * @param username the username
   * @param password the password
   * @return Basic credentials
   */
  public static Auth basic(String username, String password) {
    return new Basic(username, password);
  }

  /**
   * @param file an auth file
   * @return credentials read from that file
   */
  public static Auth authFile(Path file) {
    return new AuthFile(file);
  }

  /**
   * @param token a registry Bearer token
   * @return the token as credentials
   */
  public static Auth registryToken(String token) {
    return new RegistryToken(token);
  }

  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration INSPECT_TIMEOUT = Duration.ofMinutes(1);

  private final String binary;
  private final Path emptyConfigDir;

  private Skopeo(String binary, Path emptyConfigDir) {
    this.binary = binary;
    this.emptyConfigDir = emptyConfigDir;
  }

  /**
   * @return a skopeo runner
   * @throws IllegalStateException when skopeo is not on PATH
   */
  public static Skopeo create() {
    String binary = Tools.require("skopeo", "skopeo");
    try {
      Path dir = Files.createTempDirectory("skopeo-config-");
      dir.toFile().deleteOnExit();
      return new Skopeo(binary, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a private skopeo config dir", e);
    }
  }

  /**
   * Pushes one tag of an OCI image layout: {@code skopeo copy oci:DIR:TAG docker://DEST}.
   *
   * @param layout the OCI layout directory
   * @param tag the tag in the layout's index.json
   * @param destination {@code host:port/name:tag}
   * @param auth destination credentials
   * @param format the manifest format to write
   * @param all copy every image of an index ({@code --all}), making an index or manifest list
   */
  public void pushOciLayout(
      Path layout, String tag, String destination, Auth auth, Format format, boolean all) {
    copy("oci:" + layout.toAbsolutePath() + ":" + tag, destination, auth, format, all);
  }

  /**
   * Pushes a {@code docker save} archive: {@code skopeo copy docker-archive:FILE docker://DEST}.
   *
   * @param archive the tar file
   * @param destination {@code host:port/name:tag}
   * @param auth destination credentials
   * @param format the manifest format to write
   */
  public void pushDockerArchive(Path archive, String destination, Auth auth, Format format) {
    copy("docker-archive:" + archive.toAbsolutePath(), destination, auth, format, false);
  }

  /**
   * Copies to a registry on loopback over plain HTTP.
   *
   * @param source a skopeo transport reference ({@code oci:...}, {@code docker-archive:...})
   * @param destination {@code host:port/name:tag} (without {@code docker://})
   * @param auth destination credentials
   * @param format the manifest format to write
   * @param all {@code --all}
   */
  public void copy(String source, String destination, Auth auth, Format format, boolean all) {
    List<String> cmd = new ArrayList<>(List.of(binary, "--insecure-policy", "copy", "-q"));
    if (all) {
      cmd.add("--all");
    }
    if (format == Format.V2S2) {
      cmd.addAll(List.of("--format", "v2s2"));
    } else if (format == Format.OCI) {
      cmd.addAll(List.of("--format", "oci"));
    }
    cmd.add("--dest-tls-verify=false");
    addAuth(cmd, auth, "--dest-");
    cmd.add(source);
    cmd.add("docker://" + destination);
    Tools.runChecked(
        cmd,
        COPY_TIMEOUT,
        env(),
        "skopeo copy " + source + " -> " + destination + (all ? " --all" : "") + " " + format);
  }

  /**
   * Pulls an image into a directory: {@code skopeo copy docker://REF dir:DIR}. The directory then
   * holds {@code manifest.json} and one file per blob, named by the digest's hex.
   *
   * @param reference {@code host:port/name:tag} or {@code host:port/name@digest}
   * @param dir the target directory (created by skopeo)
   * @param auth source credentials
   */
  public void pullToDir(String reference, Path dir, Auth auth) {
    List<String> cmd =
        new ArrayList<>(
            List.of(binary, "--insecure-policy", "copy", "-q", "--src-tls-verify=false"));
    addAuth(cmd, auth, "--src-");
    cmd.add("docker://" + reference);
    cmd.add("dir:" + dir.toAbsolutePath());
    Tools.runChecked(cmd, COPY_TIMEOUT, env(), "skopeo copy docker://" + reference + " dir:" + dir);
  }

  /**
   * {@code skopeo inspect --raw}: the manifest bytes exactly as the registry serves them.
   *
   * @param reference {@code host:port/name:tag} or {@code host:port/name@digest}
   * @param auth credentials
   * @return the raw manifest bytes
   */
  public byte[] inspectRaw(String reference, Auth auth) {
    List<String> cmd =
        new ArrayList<>(
            List.of(binary, "--insecure-policy", "inspect", "--raw", "--tls-verify=false"));
    addAuth(cmd, auth, "--");
    cmd.add("docker://" + reference);
    return Tools.runChecked(cmd, INSPECT_TIMEOUT, env(), "skopeo inspect --raw " + reference)
        .stdout();
  }

  /**
   * {@code skopeo inspect --config --raw}: the image configuration blob's exact bytes (for an
   * index, of the image for this machine's platform unless {@code --override-arch} says another).
   *
   * @param reference {@code host:port/name:tag}
   * @param architecture the architecture to choose from an index
   * @param auth credentials
   * @return the configuration bytes
   */
  public byte[] inspectConfigRaw(String reference, String architecture, Auth auth) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary,
                "--insecure-policy",
                "--override-os",
                "linux",
                "--override-arch",
                architecture,
                "inspect",
                "--config",
                "--raw",
                "--tls-verify=false"));
    addAuth(cmd, auth, "--");
    cmd.add("docker://" + reference);
    return Tools.runChecked(cmd, INSPECT_TIMEOUT, env(), "skopeo inspect --config " + reference)
        .stdout();
  }

  /**
   * {@code skopeo list-tags}: the tags of a repository as JSON text.
   *
   * @param repository {@code host:port/name}
   * @param auth credentials
   * @return skopeo's JSON output ({@code {"Repository": ..., "Tags": [...]}})
   */
  public String listTagsJson(String repository, Auth auth) {
    List<String> cmd =
        new ArrayList<>(List.of(binary, "--insecure-policy", "list-tags", "--tls-verify=false"));
    addAuth(cmd, auth, "--");
    cmd.add("docker://" + repository);
    return Tools.runChecked(cmd, INSPECT_TIMEOUT, env(), "skopeo list-tags " + repository)
        .stdoutText();
  }

  private Map<String, String> env() {
    return Map.of(
        "REGISTRY_AUTH_FILE", emptyConfigDir.resolve("auth.json").toString(),
        "DOCKER_CONFIG", emptyConfigDir.toString());
  }

  private static void addAuth(List<String> cmd, Auth auth, String prefix) {
    Objects.requireNonNull(auth, "auth");
    if (auth instanceof Basic b) {
      cmd.add(prefix + "creds=" + b.username() + ":" + b.password());
    } else if (auth instanceof AuthFile f) {
      cmd.add(prefix + "authfile=" + f.file().toAbsolutePath());
    } else if (auth instanceof RegistryToken t) {
      cmd.add(prefix + "registry-token=" + t.token());
    }
  }
}
