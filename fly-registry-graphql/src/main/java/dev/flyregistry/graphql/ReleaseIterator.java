package dev.flyregistry.graphql;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Walks every release of an app, newest first, fetching one page at a time as it is consumed:
 * nothing is requested before the first {@link #hasNext()}, and only the current page is held.
 * Errors of a page request ({@link AppNotFoundException}, {@link GraphqlTransportException}, ...)
 * surface from {@link #hasNext()} or {@link #next()}.
 *
 * <p>Not thread-safe: one consumer per iterator.
 */
public final class ReleaseIterator implements Iterator<Release>, AutoCloseable {
  private final String app;
  private final Function<String, ReleasePage> fetch;
  private List<Release> page = List.of();
  private int index;
  private String cursor;
  private boolean started;
  private boolean lastPage;
  private boolean closed;
  private int totalCount = -1;

  ReleaseIterator(String app, Function<String, ReleasePage> fetch) {
    this.app = app;
    this.fetch = fetch;
  }

  @Override
  public boolean hasNext() {
    while (!closed && index >= page.size()) {
      if (started && lastPage) {
        return false;
      }
      fetchNext();
    }
    return !closed && index < page.size();
  }

  private void fetchNext() {
    ReleasePage p = fetch.apply(cursor);
    started = true;
    totalCount = p.totalCount();
    page = p.releases();
    index = 0;
    if (!p.hasNextPage()) {
      lastPage = true;
      return;
    }
    String next =
        p.endCursor()
            .orElseThrow(
                () ->
                    new GraphqlProtocolException(
                        "releases of app '"
                            + app
                            + "': the API reported hasNextPage without an endCursor"));
    if (next.equals(cursor)) {
      throw new GraphqlProtocolException(
          "releases of app '"
              + app
              + "': the API returned the same endCursor twice ("
              + next
              + ")");
    }
    cursor = next;
  }

  @Override
  public Release next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more releases of app '" + app + "'");
    }
    return page.get(index++);
  }

  /**
   * The app's total number of releases as the API reported it with the latest page.
   *
   * @return the count, empty before the first page was fetched
   */
  public OptionalInt totalCount() {
    return totalCount < 0 ? OptionalInt.empty() : OptionalInt.of(totalCount);
  }

  /** Stops the walk: no further page is fetched and {@link #hasNext()} answers false. */
  @Override
  public void close() {
    closed = true;
    page = List.of();
  }
}
