package dev.coordd.daemon.retention;

import dev.coordd.daemon.store.FinishedTasks;
import dev.coordd.daemon.store.Store;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished tasks past retention, oldest first, in batches of {@value #BATCH}: each batch is
 * its own writer operation, so the creates, claims and completions queued behind it commit between
 * two batches instead of waiting for the whole backlog (the writer commits what queued up meanwhile
 * in one group). A pass does at most {@value #MAX_BATCHES} batches; a backlog larger than that is
 * worked off over several passes. Not thread-safe: the {@link RetentionRunner} never overlaps
 * passes.
 */
final class TaskRetention {
  static final int BATCH = 500;
  static final int MAX_BATCHES = 20;

  /** Free pages given back per writer operation, and operations per pass: bounded either way. */
  static final int RECLAIM_PAGES = 1_000;

  static final int MAX_RECLAIMS = 10;

  private static final Logger log = LoggerFactory.getLogger(TaskRetention.class);

  private final Store store;
  private final FinishedTasks tasks = new FinishedTasks();
  private Boolean givesSpaceBack; // asked once, on the first pass

  TaskRetention(Store store) {
    this.store = store;
  }

  /**
   * One pass: succeeded tasks finished before {@code succeededCutoff}, failed and cancelled ones
   * before {@code failedCutoff}; then gives freed pages back. Returns how many tasks went.
   */
  int pass(long succeededCutoff, long failedCutoff, BooleanSupplier stopping) {
    int batches = 0;
    int deleted = 0;
    for (var kind :
        List.of(
            new Kind("succeeded", succeededCutoff),
            new Kind("failed", failedCutoff),
            new Kind("cancelled", failedCutoff))) {
      while (batches < MAX_BATCHES && !stopping.getAsBoolean()) {
        batches++;
        int[] found = new int[1];
        deleted +=
            store
                .writer()
                .execute(
                    tx -> {
                      List<String> ids = tasks.oldest(tx, kind.status(), kind.cutoff(), BATCH);
                      found[0] = ids.size();
                      return tasks.delete(tx, ids);
                    });
        if (found[0] < BATCH) {
          break; // this status is done; the next one gets the rest of the budget
        }
      }
    }
    if (deleted > 0) {
      log.debug("retention deleted {} finished tasks in {} batches", deleted, batches);
    }
    reclaim(stopping);
    return deleted;
  }

  /**
   * Gives free pages back in bounded steps, each its own writer operation. A database created
   * before incremental auto-vacuum is not vacuumed: a VACUUM rewrites the whole file and holds the
   * write lock throughout; its free pages are reused by new rows instead.
   */
  private void reclaim(BooleanSupplier stopping) {
    if (givesSpaceBack == null) {
      givesSpaceBack = store.read(tasks::givesSpaceBack);
      if (!givesSpaceBack) {
        log.info(
            "the store was created without incremental auto-vacuum: space freed by retention is"
                + " reused for new tasks but the file does not shrink (to shrink it, stop the"
                + " daemon and run VACUUM on it)");
      }
    }
    if (!givesSpaceBack) {
      return;
    }
    for (int i = 0; i < MAX_RECLAIMS && !stopping.getAsBoolean(); i++) {
      long free =
          store
              .writer()
              .execute(
                  tx -> {
                    long before = tasks.freePages(tx);
                    if (before > 0) {
                      tasks.reclaimSpace(tx, (int) Math.min(before, RECLAIM_PAGES));
                    }
                    return before - RECLAIM_PAGES;
                  });
      if (free <= 0) {
        return;
      }
    }
  }

  private record Kind(String status, long cutoff) {}
}
