package dev.coordd.daemon.store;

import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import java.sql.SQLException;

/**
 * Writes a task's run history: one row per attempt that ended (succeeded, failed, retried,
 * requeued, cancelled), in the same transaction as the state change it records. Used by {@link
 * TaskOutcomes} and {@link TaskWaits}; the history is read by {@link TaskStore#runs}. Stateless and
 * thread-safe.
 */
final class TaskRuns {
  private final TaskSql sql;

  TaskRuns(TaskSql sql) {
    this.sql = sql;
  }

  /** Records how the attempt {@code running} describes ended, crediting its lease owner. */
  void record(Tx tx, Task running, long now, String outcome, String resultJson, TaskError error)
      throws SQLException {
    record(tx, running, running.leaseOwner(), now, outcome, resultJson, error);
  }

  /** Records how the attempt of {@code task} ended, crediting {@code worker}. */
  void record(
      Tx tx, Task task, String worker, long now, String outcome, String resultJson, TaskError error)
      throws SQLException {
    tx.update(
        sql.insertRun(),
        task.id(),
        task.attempts(),
        Tx.text(worker),
        Tx.bigint(task.startedAt()),
        now,
        outcome,
        Tx.text(resultJson),
        Tx.text(error == null ? null : error.message()),
        Tx.text(error == null ? null : error.kind()));
  }
}
