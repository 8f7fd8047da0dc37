package dev.flyregistry.examples;

import dev.flyregistry.graphql.GraphqlClient;
import dev.flyregistry.graphql.ReleaseFormatter;
import dev.flyregistry.registry.ImageReference;
import java.util.List;

/**
 * Step 7: list an app's image references. Fly's registry documents no tag listing, so the images
 * are read from the app's releases ({@code fly releases --image}, GraphQL {@code
 * releasesUnprocessed}): every image the app ever deployed, newest first.
 */
public final class ListImageReferences {
  private ListImageReferences() {}

  /**
   * Reads the distinct images of an app's releases.
   *
   * @param graphql the GraphQL client
   * @param app the app
   * @return the images, newest first
   */
  public static List<ImageReference> run(GraphqlClient graphql, String app) {
    return graphql.releases().imageRefs(app);
  }

  /**
   * The release table of {@code fly releases --image}.
   *
   * @param graphql the GraphQL client
   * @param app the app
   * @param limit how many releases, newest first
   * @return the table text
   */
  public static String table(GraphqlClient graphql, String app, int limit) {
    return ReleaseFormatter.absoluteDates().table(graphql.releases().list(app, limit));
  }

  /**
   * Runs the step against an emulator holding two releases.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Sandbox fly = Sandbox.start()) {
      fly.emulator().createApp(Sandbox.ORG, "hello-app");
      fly.emulator().addRelease("hello-app", "registry.fly.io/hello-app:v1", "complete");
      fly.emulator().addRelease("hello-app", "registry.fly.io/hello-app:v2", "complete");
      System.out.print(table(fly.graphql(), "hello-app", 25));
      run(fly.graphql(), "hello-app").forEach(System.out::println);
    }
  }
}
