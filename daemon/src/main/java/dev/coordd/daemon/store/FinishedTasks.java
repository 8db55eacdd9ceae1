package dev.coordd.daemon.store;

import java.sql.SQLException;
import java.util.List;

/**
 * Deleting finished tasks for retention: the oldest of a status, with their runs and dependency
 * links, and giving the freed space back. Each method runs inside one writer operation, which the
 * caller keeps small (a batch), so creates and claims queued meanwhile commit between batches.
 */
public final class FinishedTasks {
  /**
   * Ids of tasks of {@code status} that finished before {@code cutoff}, oldest first, at most
   * {@code limit}; tasks an unfinished task depends on are left out.
   */
  public List<String> oldest(Tx tx, String status, long cutoff, int limit) throws SQLException {
    return tx.query(tx.sql().tasks().oldFinished(), rs -> rs.getString(1), status, cutoff, limit);
  }

  /**
   * Deletes these tasks if they are still finished, each with its runs and dependency links;
   * returns how many tasks went.
   */
  public int delete(Tx tx, List<String> ids) throws SQLException {
    TaskSql sql = tx.sql().tasks();
    int deleted = 0;
    for (String id : ids) {
      if (tx.update(sql.deleteFinished(), id) == 1) {
        tx.update(sql.deleteRunsOf(), id);
        tx.update(sql.deleteDepsOf(), id, id);
        deleted++;
      }
    }
    return deleted;
  }

  /** Whether {@link #reclaimSpace} can shrink this database (see {@link SqlDialect}). */
  public boolean givesSpaceBack(Tx tx) throws SQLException {
    return tx.sql().givesSpaceBack(tx);
  }

  /** Free pages {@link #reclaimSpace} could give back (0 where the database does not say). */
  public long freePages(Tx tx) throws SQLException {
    return tx.sql().freePages(tx);
  }

  /** Gives up to {@code pages} free pages back to the file system; a no-op where not supported. */
  public void reclaimSpace(Tx tx, int pages) throws SQLException {
    tx.sql().reclaimSpace(tx, pages);
  }
}
