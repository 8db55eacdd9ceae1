package dev.coordd.daemon.service;

import dev.coordd.api.BatchItem;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Task;
import dev.coordd.daemon.store.StoreWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch call's items on the caller's thread: every item is checked, then every item's store
 * operation is queued before any is waited for, so their writes land in the same group commit (and
 * coalesce there, {@link dev.coordd.daemon.store.Batched}); then every item's outcome is collected
 * in order. One item's failure is that item's {@link BatchItem#error()}, never the batch's.
 * Thread-safe (stateless).
 */
final class Batches {
  private static final Logger log = LoggerFactory.getLogger(Batches.class);

  private Batches() {}

  /** Refuses the batch whole when the list itself is missing or too long. */
  static void check(String field, List<?> items) {
    if (items == null) {
      throw new InvalidRequestException(
          field,
          "'"
              + field
              + "' is required: a list of up to "
              + CoordinationService.MAX_BATCH
              + " items");
    }
    if (items.size() > CoordinationService.MAX_BATCH) {
      throw new InvalidRequestException(
          field,
          "'"
              + field
              + "' has "
              + items.size()
              + " items; a batch takes at most "
              + CoordinationService.MAX_BATCH
              + ": split it into several calls (they may run at the same time)");
    }
  }

  /**
   * The three steps of one kind of item: check it and build its store operation on the caller's
   * thread, queue that operation, and, after its commit, make the item's answer and tell the
   * engine.
   */
  interface Steps<T, P, R> {
    /** Throws the item's own error ({@link CoorddException}) when it is refused. */
    P prepare(T item);

    CompletableFuture<R> submit(P prepared);

    Task finish(P prepared, R committed);
  }

  /**
   * Each item's outcome, in the items' order; returns when every item has finished. Every item is
   * checked first, in order (so a rate limit reached midway refuses the items from there on), then
   * every good one is queued at once, with no thread per item, so their writes land in one or a few
   * group commits; then each is waited for in turn. Waiting is uninterruptible: the answer must say
   * what was done, and nothing is left half-written.
   */
  static <T, P, R> List<BatchItem> run(String field, List<T> items, Steps<T, P, R> steps) {
    check(field, items);
    int n = items.size();
    BatchItem[] outcomes = new BatchItem[n];
    List<P> prepared = new ArrayList<>(Collections.nCopies(n, null));
    for (int i = 0; i < n; i++) {
      T item = items.get(i);
      try {
        if (item == null) {
          throw new InvalidRequestException(
              field + "[" + i + "]", "item " + i + " of '" + field + "' is null");
        }
        prepared.set(i, steps.prepare(item));
      } catch (RuntimeException e) {
        outcomes[i] = failed(i, e);
      }
    }
    List<CompletableFuture<R>> submitted = new ArrayList<>(Collections.nCopies(n, null));
    for (int i = 0; i < n; i++) {
      if (outcomes[i] == null) {
        try {
          submitted.set(i, steps.submit(prepared.get(i)));
        } catch (RuntimeException e) {
          outcomes[i] = failed(i, e);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (outcomes[i] == null) {
        try {
          R committed = StoreWriter.await(submitted.get(i));
          outcomes[i] = BatchItem.of(steps.finish(prepared.get(i), committed));
        } catch (RuntimeException e) {
          outcomes[i] = failed(i, e);
        }
      }
    }
    return Arrays.asList(outcomes);
  }

  private static BatchItem failed(int index, RuntimeException e) {
    if (e instanceof CoorddException known) {
      return BatchItem.failed(known);
    }
    log.error("item {} of a batch failed", index, e);
    return BatchItem.failed(
        new CoorddException(
            "failed",
            "internal error on item "
                + index
                + ": "
                + e
                + "; the daemon logged it, please report"
                + " it"));
  }
}
