package dev.flyregistry.testing;

import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts one {@link LocalRegistry} per test class and stops it after the class. Register it on a
 * static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalRegistryExtension REGISTRY = LocalRegistryExtension.htpasswd();
 * ...
 * REGISTRY.registry().host()
 * }</pre>
 *
 * <p>A registry that cannot start (binary missing included) fails every test of the class. When a
 * test fails, the last lines of the registry's log are printed to stderr.
 */
public final class LocalRegistryExtension
    implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private final Supplier<LocalRegistry> starter;
  private volatile LocalRegistry registry;

  private LocalRegistryExtension(Supplier<LocalRegistry> starter) {
    this.starter = starter;
  }

  /**
   * @return an extension for a registry without authentication
   */
  public static LocalRegistryExtension noAuth() {
    return new LocalRegistryExtension(LocalRegistry::startNoAuth);
  }

  /**
   * @return an extension for a registry with HTTP Basic authentication
   */
  public static LocalRegistryExtension htpasswd() {
    return new LocalRegistryExtension(LocalRegistry::startHtpasswd);
  }

  /**
   * @param tokenAuth computes the token settings when the class starts (after, say, a token issuer
   *     has started)
   * @return an extension for a registry with Bearer token authentication
   */
  public static LocalRegistryExtension token(Supplier<LocalRegistry.TokenAuth> tokenAuth) {
    Objects.requireNonNull(tokenAuth, "tokenAuth");
    return new LocalRegistryExtension(() -> LocalRegistry.startToken(tokenAuth.get()));
  }

  /**
   * @return the running registry
   * @throws IllegalStateException outside the test class's lifetime
   */
  public LocalRegistry registry() {
    LocalRegistry r = registry;
    if (r == null) {
      throw new IllegalStateException("the local registry is not running (register statically)");
    }
    return r;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    registry = starter.get();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LocalRegistry r = registry;
    registry = null;
    if (r != null) {
      r.close();
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    LocalRegistry r = registry;
    if (r != null) {
      System.err.println(
          context.getDisplayName()
              + " failed; "
              + r
              + (r.isRunning() ? "" : " (process has exited)")
              + ", last log lines:\n"
              + r.logTail(30));
    }
  }
}
