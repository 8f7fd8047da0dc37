package dev.flyregistry.graphql.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every GraphQL document the SDK sends, in one place so that tests can validate all of them against
 * Fly's schema. Add new documents here as {@code public static final String} fields; {@link #all()}
 * finds them.
 */
public final class Documents {
  private Documents() {}

  /** The fields of a release the SDK reads, in the order Fly's documented query selects them. */
  private static final String RELEASE_FIELDS =
      "id version description reason status imageRef stable user { id email name } createdAt";

  /**
   * The releases query as Fly's registry guide documents it (variables {@code appName}, {@code
   * limit}; the same selection, unformatted), plus {@code pageInfo { hasNextPage endCursor }} so
   * that a page cut short by a server-side page-size cap is noticed and continued with {@link
   * #RELEASES_PAGE}.
   */
  public static final String RELEASES =
      "query($appName: String!, $limit: Int!) { app(name: $appName) { releases:"
          + " releasesUnprocessed(first: $limit) { nodes { id version description reason status"
          + " imageRef stable user { id email name } createdAt }"
          + " pageInfo { hasNextPage endCursor } } } }";

  /** One page of releases (variables {@code appName}, {@code first}, {@code after}). */
  public static final String RELEASES_PAGE =
      "query FlyRegistryReleasesPage($appName: String!, $first: Int!, $after: String) {"
          + " app(name: $appName) { releases: releasesUnprocessed(first: $first, after: $after) {"
          + " totalCount pageInfo { hasNextPage endCursor } nodes { "
          + RELEASE_FIELDS
          + " } } } }";

  /** The app's current release (variable {@code appName}). */
  public static final String CURRENT_RELEASE =
      "query FlyRegistryCurrentRelease($appName: String!) { app(name: $appName) {"
          + " currentReleaseUnprocessed { "
          + RELEASE_FIELDS
          + " } } }";

  /** Resolves an image reference for an app (variables {@code appName}, {@code ref}). */
  public static final String RESOLVE_IMAGE =
      "query FlyRegistryResolveImage($appName: String!, $ref: String!) { app(name: $appName) {"
          + " image(ref: $ref) { id digest ref compressedSizeFull manifest } } }";

  /** Whether an app name can be taken (variable {@code name}). */
  public static final String APP_NAME_AVAILABLE =
      "query FlyRegistryAppNameAvailable($name: String!) { appNameAvailable(name: $name) }";

  /**
   * Every document above, by field name.
   *
   * @return field name to document text, in declaration order
   */
  public static Map<String, String> all() {
    Map<String, String> all = new LinkedHashMap<>();
    for (Field f : Documents.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isPublic(m)
          && Modifier.isStatic(m)
          && Modifier.isFinal(m)
          && f.getType() == String.class) {
        try {
          all.put(f.getName(), (String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return all;
  }
}
