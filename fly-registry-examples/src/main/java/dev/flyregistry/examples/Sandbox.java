package dev.flyregistry.examples;

import dev.flyregistry.auth.Credentials;
import dev.flyregistry.auth.FlyToken;
import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.machines.MachinesClient;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.testkit.FlyEmulator;

/**
 * The examples' playground: a {@link FlyEmulator} with an organization ({@value #ORG}), a token of
 * it, and the three SDK clients pointed at the emulator. Against the real Fly you build the same
 * clients with {@code FlyToken.fromEnvironment()} and their default endpoints (see the README's
 * quick start); everything else in the examples stays as it is.
 *
 * <pre>{@code
 * try (Sandbox fly = Sandbox.start()) {
 *   fly.machines().apps().create("app-1", Sandbox.ORG);
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {
  /** The organization the sandbox creates, named like everyone's first Fly organization. */
  public static final String ORG = "personal";

  private final FlyEmulator emulator;
  private final FlyToken token;
  private final RegistryClient registry;
  private final MachinesClient machines;
  private final GraphqlClient graphql;

  private Sandbox(FlyEmulator emulator) {
    this.emulator = emulator;
    emulator.createOrganization(ORG);
    this.token = FlyToken.parse(emulator.createToken(ORG));
    this.registry =
        RegistryClient.builder()
            .credentials(Credentials.basic(emulator.registryHost(), "x", token.registryPassword()))
            .build();
    this.machines =
        MachinesClient.builder()
            .token(token)
            .endpoint(emulator.machinesUrl())
            .releasesEndpoint(emulator.releasesUrl())
            .imageChecker(registry::exists)
            .build();
    this.graphql = GraphqlClient.builder().token(token).endpoint(emulator.graphqlUrl()).build();
  }

  /**
   * Starts an emulator and builds the clients.
   *
   * @return the sandbox; close it when done
   */
  public static Sandbox start() {
    FlyEmulator emulator = FlyEmulator.start();
    try {
      return new Sandbox(emulator);
    } catch (RuntimeException e) {
      emulator.close();
      throw e;
    }
  }

  /**
   * @return the emulator, to seed machines or look at what the examples did
   */
  public FlyEmulator emulator() {
    return emulator;
  }

  /**
   * @return the organization's token
   */
  public FlyToken token() {
    return token;
  }

  /**
   * @return the emulated registry's host, {@code 127.0.0.1:PORT}: it plays {@code registry.fly.io}
   */
  public String registryHost() {
    return emulator.registryHost();
  }

  /**
   * @param app an app name
   * @param tag a tag
   * @return {@code <registryHost>/<app>:<tag>}, the emulator's {@code registry.fly.io/<app>:<tag>}
   */
  public ImageReference image(String app, String tag) {
    return ImageReference.of(registryHost(), app, tag);
  }

  /**
   * @return a registry client logged in with the token (username {@code x})
   */
  public RegistryClient registry() {
    return registry;
  }

  /**
   * @return a Machines API client whose deploys check images with {@link #registry()}
   */
  public MachinesClient machines() {
    return machines;
  }

  /**
   * @return a GraphQL client
   */
  public GraphqlClient graphql() {
    return graphql;
  }

  /** Closes the clients and stops the emulator. */
  @Override
  public void close() {
    graphql.close();
    machines.close();
    registry.close();
    emulator.close();
  }
}
