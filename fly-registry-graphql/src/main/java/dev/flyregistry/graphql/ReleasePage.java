package dev.flyregistry.graphql;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of an app's releases.
 *
 * @param releases the releases on this page, in the API's order (newest first)
 * @param hasNextPage whether more releases follow
 * @param endCursor the cursor to pass as {@code after} for the next page, when the page has one
 * @param totalCount how many releases the app has in total
 */
public record ReleasePage(
    List<Release> releases, boolean hasNextPage, Optional<String> endCursor, int totalCount) {
  /**
   * Validates and copies the components.
   *
   * @param releases the releases on this page, in the API's order (newest first)
   * @param hasNextPage whether more releases follow
   * @param endCursor the cursor to pass as {@code after} for the next page, when the page has one
   * @param totalCount how many releases the app has in total
   */
  public ReleasePage {
    releases = List.copyOf(releases);
    Objects.requireNonNull(endCursor, "endCursor");
  }
}
