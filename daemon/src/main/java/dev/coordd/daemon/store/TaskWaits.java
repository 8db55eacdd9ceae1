package dev.coordd.daemon.store;

import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskStatus;
import java.sql.SQLException;
import java.util.List;

/**
 * Tasks in {@code waiting}: parked on work done outside (an invocation, a barrier) until a worker
 * ends the wait, or held back by dependencies until they succeed or one of them fails. Stateless
 * and thread-safe.
 */
public final class TaskWaits {
  private final TaskSql sql;
  private final TaskRuns runs;

  public TaskWaits(SqlDialect dialect) {
    this.sql = dialect.tasks();
    this.runs = new TaskRuns(sql);
  }

  /** A task waiting on dependencies, with how many failed and how many are not done. */
  public record DependencyWait(Task task, int broken, int open) {}

  /** Parks the attempt {@code running} describes in {@code waiting}; null if it lost the task. */
  public Task park(Tx tx, Task running, String waitingFor, long until) throws SQLException {
    return tx.queryOne(
        sql.park(),
        Rows::task,
        waitingFor,
        until,
        running.id(),
        Tx.text(running.leaseOwner()),
        running.attempts());
  }

  /**
   * Ends a wait: succeeded with {@code resultJson}, or failed with {@code error}. The run history
   * credits {@code worker}, who did the work outside. Null if the task no longer waits for that.
   */
  public Task endWait(
      Tx tx, Task waiting, String resultJson, TaskError error, String worker, long now)
      throws SQLException {
    TaskStatus status = error == null ? TaskStatus.SUCCEEDED : TaskStatus.FAILED;
    Task ended =
        tx.queryOne(
            sql.endWait(),
            Rows::task,
            status.wire(),
            Tx.text(resultJson),
            Tx.text(Rows.errorJson(error)),
            now,
            waiting.id(),
            Tx.text(waiting.waitingFor()));
    if (ended != null) {
      runs.record(tx, waiting, worker, now, status.wire(), resultJson, error);
    }
    return ended;
  }

  /** Waiting tasks whose {@code waitingFor} starts with {@code prefix}. */
  public List<Task> waitingFor(Tx tx, String prefix) throws SQLException {
    return tx.query(sql.waitingLike(), Rows::task, prefix + "%");
  }

  /** Records that {@code taskId} runs only after {@code dependsOn} succeeded. */
  public void addDependency(Tx tx, String taskId, String dependsOn) throws SQLException {
    tx.update(sql.insertDependency(), taskId, dependsOn);
  }

  public List<DependencyWait> dependencyWaits(Tx tx) throws SQLException {
    return tx.query(
        sql.dependencyWaits(),
        rs -> new DependencyWait(Rows.task(rs), rs.getInt("broken"), rs.getInt("open")));
  }

  /** The first dependency of {@code taskId} that failed or was cancelled, or null. */
  public Task brokenDependency(Tx tx, String taskId) throws SQLException {
    return tx.queryOne(sql.brokenDependency(), Rows::task, taskId);
  }

  /** Moves a task whose dependencies all succeeded into the queue; null if it moved on. */
  public Task releaseDependent(Tx tx, String id, long now) throws SQLException {
    return tx.queryOne(sql.releaseDependent(), Rows::task, now, now, id);
  }

  /** Fails a task whose dependency failed; null if it moved on (cancelled meanwhile). */
  public Task failDependent(Tx tx, String id, TaskError error, long now) throws SQLException {
    return tx.queryOne(sql.failDependent(), Rows::task, Tx.text(Rows.errorJson(error)), now, id);
  }
}
