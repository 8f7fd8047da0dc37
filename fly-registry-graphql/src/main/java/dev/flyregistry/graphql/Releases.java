package dev.flyregistry.graphql;

import dev.flyregistry.graphql.internal.FlyQueries;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.InvalidReferenceException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's releases from Fly's GraphQL API ({@code releasesUnprocessed}): the list {@code fly
 * releases} shows, and the image references of past deploys, which is how Fly answers "which tags
 * does my app's repository hold" (the registry has no documented tag listing).
 *
 * <p>Obtained from {@link GraphqlClient#releases()}; thread-safe.
 *
 * <pre>{@code
 * List<Release> last25 = client.releases().list("my-app", 25);
 * try (Stream<Release> all = client.releases().stream("my-app")) {
 *   all.filter(Release::isComplete).forEach(System.out::println);
 * }
 * List<ImageReference> images = client.releases().imageRefs("my-app");
 * }</pre>
 */
public final class Releases {
  /** The page size of {@link #stream(String)}, {@link #iterator(String)} and image listings. */
  public static final int DEFAULT_PAGE_SIZE = 50;

  private static final Logger LOG = LoggerFactory.getLogger(Releases.class);

  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final FlyQueries queries;
  private final int maxConcurrency;

  Releases(FlyQueries queries, int maxConcurrency) {
    this.queries = queries;
    this.maxConcurrency = maxConcurrency;
  }

  /**
   * The newest releases, with the query Fly's registry guide documents (asking also for {@code
   * pageInfo}). When the API answers fewer than {@code limit} but says more follow (a server-side
   * page-size cap), the next pages are fetched until {@code limit} or the last release.
   *
   * @param app the app name
   * @param limit how many releases to return at most, at least 1
   * @return the releases, newest first
   * @throws AppNotFoundException when the app does not exist or the token cannot see it
   * @throws GraphqlException when the API answers with errors
   * @throws GraphqlAuthException when the token is refused
   * @throws GraphqlTransportException on HTTP or I/O failures
   * @throws GraphqlProtocolException when the answer is not what the schema promises
   */
  public List<Release> list(String app, int limit) {
    return queries.releases(app, limit);
  }

  /**
   * One page of releases, for callers that page by hand.
   *
   * @param app the app name
   * @param pageSize releases per page, at least 1
   * @param afterCursor the {@link ReleasePage#endCursor()} of the previous page, or null for the
   *     first page
   * @return the page
   * @throws AppNotFoundException when the app does not exist or the token cannot see it
   */
  public ReleasePage page(String app, int pageSize, String afterCursor) {
    return queries.releasesPage(app, pageSize, afterCursor);
  }

  /**
   * Every release, newest first, fetched page by page as the iterator advances.
   *
   * @param app the app name
   * @param pageSize releases per request, at least 1
   * @return a lazy iterator; nothing is requested until its first {@code hasNext()}
   */
  public ReleaseIterator iterator(String app, int pageSize) {
    requireApp(app);
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
    }
    return new ReleaseIterator(app, after -> queries.releasesPage(app, pageSize, after));
  }

  /**
   * {@link #iterator(String, int)} with {@link #DEFAULT_PAGE_SIZE}.
   *
   * @param app the app name
   * @return a lazy iterator
   */
  public ReleaseIterator iterator(String app) {
    return iterator(app, DEFAULT_PAGE_SIZE);
  }

  /**
   * Every release as a lazy, sequential stream, newest first; pages are fetched as the stream is
   * consumed, so {@code limit(n)} stops requesting once it has {@code n}. Close it (or use
   * try-with-resources) when abandoning it early.
   *
   * @param app the app name
   * @param pageSize releases per request, at least 1
   * @return the stream
   */
  public Stream<Release> stream(String app, int pageSize) {
    ReleaseIterator it = iterator(app, pageSize);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                it, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE),
            false)
        .onClose(it::close);
  }

  /**
   * {@link #stream(String, int)} with {@link #DEFAULT_PAGE_SIZE}.
   *
   * @param app the app name
   * @return the stream
   */
  public Stream<Release> stream(String app) {
    return stream(app, DEFAULT_PAGE_SIZE);
  }

  /**
   * The app's current release ({@code currentReleaseUnprocessed}).
   *
   * @param app the app name
   * @return the release, empty when the app has none yet
   * @throws AppNotFoundException when the app does not exist or the token cannot see it
   */
  public Optional<Release> current(String app) {
    return queries.currentRelease(app);
  }

  /**
   * The distinct image references the app's releases deployed, as the API wrote them, newest first
   * (ordered by the most recent release that used each one). Walks every release page by page,
   * holding only the distinct references.
   *
   * @param app the app name
   * @return the references' text, such as {@code registry.fly.io/my-app:deployment-01H...}
   * @throws AppNotFoundException when the app does not exist or the token cannot see it
   */
  public List<String> imageRefTexts(String app) {
    Map<String, Integer> newest = new LinkedHashMap<>();
    try (ReleaseIterator it = iterator(app)) {
      while (it.hasNext()) {
        Release r = it.next();
        r.imageRef()
            .map(String::trim)
            .filter(ref -> !ref.isEmpty())
            .ifPresent(ref -> newest.merge(ref, r.version(), Math::max));
      }
    }
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(newest.entrySet());
    // Stable sort: equal versions keep the API's order.
    entries.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
    List<String> refs = new ArrayList<>(entries.size());
    for (Map.Entry<String, Integer> e : entries) {
      refs.add(e.getKey());
    }
    return List.copyOf(refs);
  }

  /**
   * The distinct images the app's releases deployed, newest first: the SDK's answer to "list the
   * tags of my app's repository", since Fly's registry documents no tag listing. The API's text is
   * parsed as {@link Release#imageReference()} does; texts that are not valid references are
   * skipped (and logged), {@link #imageRefTexts(String)} keeps them.
   *
   * @param app the app name
   * @return the references, such as {@code registry.fly.io/my-app:deployment-01H...}
   * @throws AppNotFoundException when the app does not exist or the token cannot see it
   */
  public List<ImageReference> imageRefs(String app) {
    LinkedHashSet<ImageReference> refs = new LinkedHashSet<>();
    for (String text : imageRefTexts(app)) {
      try {
        refs.add(ImageReference.parseDocker(text));
      } catch (InvalidReferenceException e) {
        LOG.warn(
            "skipping image reference of app '{}' that does not parse: {}", app, e.getMessage());
      }
    }
    return List.copyOf(refs);
  }

  /**
   * {@link #imageRefs(String)} for many apps at once, at most {@code HttpSettings.maxConcurrency()}
   * apps in flight. Fails with the first failing app's exception (in the order given) and stops the
   * others.
   *
   * @param apps app names; duplicates are looked up once
   * @return app name to its references, in the order given
   * @throws AppNotFoundException when one of the apps does not exist
   */
  public Map<String, List<ImageReference>> imageRefs(Collection<String> apps) {
    Objects.requireNonNull(apps, "apps");
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String app : apps) {
      requireApp(app);
      unique.add(app);
    }
    Map<String, List<ImageReference>> out = new LinkedHashMap<>();
    if (unique.isEmpty()) {
      return out;
    }
    int threads = Math.min(maxConcurrency, unique.size());
    int pool = POOL_IDS.incrementAndGet();
    AtomicInteger threadIds = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t =
              new Thread(r, "fly-graphql-imagerefs-" + pool + "-" + threadIds.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ExecutorService executor = Executors.newFixedThreadPool(threads, factory);
    try {
      Map<String, Future<List<ImageReference>>> futures = new LinkedHashMap<>();
      for (String app : unique) {
        futures.put(app, executor.submit(() -> imageRefs(app)));
      }
      for (Map.Entry<String, Future<List<ImageReference>>> e : futures.entrySet()) {
        try {
          out.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException ee) {
          executor.shutdownNow();
          Throwable cause = ee.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new GraphqlTransportException(
              "listing image references of app '" + e.getKey() + "' failed: " + cause, cause);
        }
      }
      return out;
    } catch (InterruptedException ie) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      throw new GraphqlTransportException(
          "interrupted while listing image references of " + unique.size() + " apps", ie);
    } finally {
      executor.shutdownNow();
    }
  }

  private static void requireApp(String app) {
    if (app == null || app.isBlank()) {
      throw new IllegalArgumentException("app name must not be null or blank");
    }
  }
}
