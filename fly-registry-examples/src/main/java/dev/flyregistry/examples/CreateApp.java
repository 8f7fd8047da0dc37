package dev.flyregistry.examples;

import dev.flyregistry.machines.App;
import dev.flyregistry.machines.MachinesClient;

/**
 * Step 1: create an app, by name ({@code fly apps create my-app}) or under a generated name ({@code
 * fly apps create --generate-name}). Each app owns the repository {@code registry.fly.io/<app>}.
 */
public final class CreateApp {
  private CreateApp() {}

  /**
   * Creates an app under a name of your choosing.
   *
   * @param machines the Machines API client
   * @param name the app name (a DNS label: {@code [a-z0-9-]}, 1-63 characters)
   * @param org the organization's slug, such as {@code personal}
   * @return the app
   */
  public static App named(MachinesClient machines, String name, String org) {
    return machines.apps().create(name, org);
  }

  /**
   * Creates an app under a generated name such as {@code bold-river-417}.
   *
   * @param machines the Machines API client
   * @param org the organization's slug
   * @return the app, with the name it got
   */
  public static App generated(MachinesClient machines, String org) {
    return machines.apps().createWithGeneratedName(org);
  }

  /**
   * Runs the step against an emulator.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Sandbox fly = Sandbox.start()) {
      App named = named(fly.machines(), "hello-app", Sandbox.ORG);
      System.out.println("created app " + named.name());
      App generated = generated(fly.machines(), Sandbox.ORG);
      System.out.println("created app " + generated.name() + " (generated name)");
    }
  }
}
