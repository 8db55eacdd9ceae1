package dev.coordd.daemon.http;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: its items and the cursor of the next page (null on the last).
 *
 * @param items what this page shows
 * @param next pass as {@code cursor} for the next page; null when there is none
 */
record Page<T>(List<T> items, String next) {
  /**
   * A page of a list that the service hands over whole (agents, locks, queues: small by nature), in
   * the order of {@code key}: the items after the cursor's key, at most {@code limit}.
   */
  static <T> Page<T> ofWhole(
      List<T> all, Function<T, String> key, String kind, String after, int limit) {
    List<T> rest =
        all.stream()
            .sorted(Comparator.comparing(key))
            .filter(t -> after == null || key.apply(t).compareTo(after) > 0)
            .limit(limit + 1L)
            .toList();
    return cut(rest, key, kind, limit);
  }

  /** The first {@code limit} of {@code fetched} (which may hold one more, to know of a next). */
  static <T> Page<T> cut(List<T> fetched, Function<T, String> key, String kind, int limit) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null);
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(List.copyOf(items), Cursors.encode(kind, key.apply(items.get(limit - 1))));
  }
}
