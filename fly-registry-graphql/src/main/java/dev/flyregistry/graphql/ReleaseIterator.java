package dev.flyregistry.graphql;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Walks every release of an app, newest first, fetching one page at a time as it is consumed:
 * nothing is requested before the first {@link #hasNext()}, and only the current page is held.
 * Errors of a page request ({@link AppNotFoundException}, {@link GraphqlTransportException}, ...)
 * surface from {@link #hasNext()} or {@link #next()}; the iterator stays where it was, so the next
 * {@code hasNext()} asks for the same page again. A page that breaks the paging contract ({@code
 * hasNextPage} without an {@code endCursor}, or an {@code endCursor} the walk has already seen)
 * ends the walk with a {@link GraphqlProtocolException}, which every later {@code hasNext()} and
 * {@code next()} throws again: the walk never loops and never repeats releases.
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

  /** The cursors the walk has already asked with (one per page, not per release). */
  private final Set<String> seenCursors = new HashSet<>();

  /** Set when a page broke the paging contract; thrown again by every later call. */
  private GraphqlProtocolException failure;

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
      if (failure != null) {
        throw failure;
      }
      fetchNext();
    }
    return !closed && index < page.size();
  }

  /**
   * Fetches the page after {@link #cursor}. A failed request changes nothing; a page is checked
   * before it replaces the current one, so a page that breaks the contract is never handed out.
   */
  private void fetchNext() {
    ReleasePage p = fetch.apply(cursor);
    String next = null;
    if (p.hasNextPage()) {
      Optional<String> end = p.endCursor();
      if (end.isEmpty()) {
        throw fail("the API reported hasNextPage without an endCursor");
      }
      next = end.get();
      if (next.equals(cursor) || seenCursors.contains(next)) {
        throw fail("the API returned the same endCursor twice (" + next + ")");
      }
    }
    started = true;
    totalCount = p.totalCount();
    page = p.releases();
    index = 0;
    if (next == null) {
      lastPage = true;
    } else {
      if (cursor != null) {
        seenCursors.add(cursor);
      }
      cursor = next;
    }
  }

  private GraphqlProtocolException fail(String problem) {
    failure = new GraphqlProtocolException("releases of app '" + app + "': " + problem);
    page = List.of();
    index = 0;
    return failure;
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
