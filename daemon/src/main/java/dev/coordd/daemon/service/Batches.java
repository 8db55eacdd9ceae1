package dev.coordd.daemon.service;

import dev.coordd.api.BatchItem;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch call's items: every item's operation starts at once, each on a virtual thread of its
 * own, before any is waited for, so their store writes queue together and land in the same
 * group-commit batch; then every item's outcome is collected in order. One item's failure is that
 * item's {@link BatchItem#error()}, never the batch's. Thread-safe (stateless).
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

  /** Each item's outcome, in the items' order; returns when every item has finished. */
  static <T> List<BatchItem> each(String field, List<T> items, Function<T, Task> operation) {
    check(field, items);
    BatchItem[] outcomes = new BatchItem[items.size()];
    List<Thread> threads = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      int index = i;
      T item = items.get(i);
      threads.add(
          Thread.ofVirtual()
              .name("coordd-batch-item")
              .start(() -> outcomes[index] = outcome(field, index, item, operation)));
    }
    boolean interrupted = false;
    for (Thread t : threads) {
      // Every item runs to its end even if the caller is interrupted: the answer must say what
      // was done, and nothing is left half-written.
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return Arrays.asList(outcomes);
  }

  private static <T> BatchItem outcome(
      String field, int index, T item, Function<T, Task> operation) {
    try {
      if (item == null) {
        throw new InvalidRequestException(
            field + "[" + index + "]", "item " + index + " of '" + field + "' is null");
      }
      return BatchItem.of(operation.apply(item));
    } catch (CoorddException e) {
      return BatchItem.failed(e);
    } catch (RuntimeException e) {
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
}
