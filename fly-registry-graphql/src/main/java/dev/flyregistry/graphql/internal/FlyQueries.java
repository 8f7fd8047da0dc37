package dev.flyregistry.graphql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flyregistry.graphql.AppImage;
import dev.flyregistry.graphql.AppNotFoundException;
import dev.flyregistry.graphql.GraphqlError;
import dev.flyregistry.graphql.GraphqlException;
import dev.flyregistry.graphql.GraphqlProtocolException;
import dev.flyregistry.graphql.GraphqlResponse;
import dev.flyregistry.graphql.Release;
import dev.flyregistry.graphql.ReleasePage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The typed queries: documents from {@link Documents}, answers decoded into records. */
public final class FlyQueries {
  private static final String NOT_FOUND = "NOT_FOUND";

  private final GraphqlTransport transport;

  /**
   * @param transport the transport the queries go through
   */
  public FlyQueries(GraphqlTransport transport) {
    this.transport = transport;
  }

  /** Runs a caller's document. */
  public GraphqlResponse execute(String document, Map<String, ?> variables, String operationName) {
    String label = operationName == null ? "caller's document" : "operation " + operationName;
    GraphqlTransport.Result r = transport.post(document, variables, operationName, label);
    return new GraphqlResponse(
        JsonValues.toJavaMap(r.data()), JsonValues.write(r.data()), r.extensions());
  }

  /**
   * The documented releases query: the newest {@code limit} releases; when the answer holds fewer
   * and says more follow (a server capping the page size), the next pages come from {@link
   * #releasesPage}, until {@code limit} or the end.
   */
  public List<Release> releases(String app, int limit) {
    requireApp(app);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    String label = "releases of app '" + app + "'";
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("appName", app);
    vars.put("limit", limit);
    JsonNode appNode = queryApp(Documents.RELEASES, vars, app, label);
    Decoder d = decoder(label);
    JsonNode connection = d.object(appNode, "releases", "data.app");
    List<Release> first = d.releaseNodes(connection, "data.app.releases");
    if (first.size() >= limit) {
      return first.subList(0, limit);
    }
    // fewer than asked: the end, or a page cut short by a server-side cap; page on until limit
    JsonNode pageInfo = d.optObject(connection, "pageInfo", "data.app.releases");
    if (pageInfo == null || !d.bool(pageInfo, "hasNextPage", "data.app.releases.pageInfo")) {
      return first;
    }
    List<Release> out = new ArrayList<>(first);
    Optional<String> cursor = d.optText(pageInfo, "endCursor", "data.app.releases.pageInfo");
    Set<String> seen = new HashSet<>();
    while (out.size() < limit) {
      if (cursor.isEmpty()) {
        throw new GraphqlProtocolException(
            label + ": the API reported hasNextPage without an endCursor");
      }
      if (!seen.add(cursor.get())) {
        throw new GraphqlProtocolException(
            label + ": the API returned the same endCursor twice (" + cursor.get() + ")");
      }
      ReleasePage page = releasesPage(app, limit - out.size(), cursor.get());
      out.addAll(page.releases().subList(0, Math.min(page.releases().size(), limit - out.size())));
      if (!page.hasNextPage()) {
        break;
      }
      cursor = page.endCursor();
    }
    return List.copyOf(out);
  }

  /** One page of releases, newest first. */
  public ReleasePage releasesPage(String app, int pageSize, String after) {
    requireApp(app);
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
    }
    String label =
        "releases of app '" + app + "'" + (after == null ? "" : " after cursor " + after);
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("appName", app);
    vars.put("first", pageSize);
    vars.put("after", after);
    JsonNode appNode = queryApp(Documents.RELEASES_PAGE, vars, app, label);
    Decoder d = decoder(label);
    return d.releasePage(d.object(appNode, "releases", "data.app"), "data.app.releases");
  }

  /** The app's current release, empty when it has none. */
  public Optional<Release> currentRelease(String app) {
    requireApp(app);
    String label = "current release of app '" + app + "'";
    JsonNode appNode = queryApp(Documents.CURRENT_RELEASE, Map.of("appName", app), app, label);
    Decoder d = decoder(label);
    JsonNode current = d.optObject(appNode, "currentReleaseUnprocessed", "data.app");
    return current == null
        ? Optional.empty()
        : Optional.of(d.release(current, "data.app.currentReleaseUnprocessed"));
  }

  /** Resolves an image for an app, empty when Fly does not find it. */
  public Optional<AppImage> resolveImage(String app, String ref) {
    requireApp(app);
    Objects.requireNonNull(ref, "ref");
    if (ref.isBlank()) {
      throw new IllegalArgumentException("image reference must not be blank");
    }
    String label = "image '" + ref + "' for app '" + app + "'";
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("appName", app);
    vars.put("ref", ref);
    JsonNode appNode;
    try {
      appNode = queryApp(Documents.RESOLVE_IMAGE, vars, app, label);
    } catch (AppNotFoundException e) {
      throw e;
    } catch (GraphqlException e) {
      boolean onlyImageNotFound =
          e.errors().stream()
              .allMatch(
                  err ->
                      err.code().filter(NOT_FOUND::equals).isPresent()
                          && err.pathStartsWith("app", "image"));
      if (onlyImageNotFound) {
        return Optional.empty();
      }
      throw e;
    }
    Decoder d = decoder(label);
    JsonNode image = d.optObject(appNode, "image", "data.app");
    return image == null ? Optional.empty() : Optional.of(d.image(image, "data.app.image"));
  }

  /** Whether an app name is free to take. */
  public boolean appNameAvailable(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("app name must not be blank");
    }
    String label = "availability of app name '" + name + "'";
    GraphqlTransport.Result r =
        transport.post(Documents.APP_NAME_AVAILABLE, Map.of("name", name), null, label);
    return decoder(label).bool(r.data(), "appNameAvailable", "data");
  }

  private Decoder decoder(String label) {
    return new Decoder(
        "GraphQL query (" + label + ") to " + transport.endpointForMessages(),
        transport.scrubber());
  }

  /**
   * Runs a document whose root is {@code app(name: $appName)} and returns the {@code app} object.
   *
   * @throws AppNotFoundException when {@code app} is null or a {@code NOT_FOUND} error points at it
   */
  private JsonNode queryApp(String document, Map<String, ?> vars, String app, String label) {
    ObjectNode data;
    try {
      data = transport.post(document, vars, null, label).data();
    } catch (GraphqlException e) {
      if (isAppNotFound(e.errors())) {
        throw new AppNotFoundException(
            app, e.errors(), e.partialData().orElse(null), e.partialDataJson().orElse(null));
      }
      throw e;
    }
    JsonNode appNode = data.get("app");
    if (appNode == null || appNode.isNull()) {
      throw new AppNotFoundException(
          app, List.of(), JsonValues.toJavaMap(data), JsonValues.write(data));
    }
    if (!appNode.isObject()) {
      throw decoder(label).wrong("data.app", "an object", appNode);
    }
    return appNode;
  }

  private static boolean isAppNotFound(List<GraphqlError> errors) {
    return errors.stream()
        .anyMatch(
            e ->
                e.code().filter(NOT_FOUND::equals).isPresent()
                    && (e.path().isEmpty() || e.path().equals(List.of("app"))));
  }

  private static void requireApp(String app) {
    Objects.requireNonNull(app, "app");
    if (app.isBlank()) {
      throw new IllegalArgumentException("app name must not be blank");
    }
  }
}
