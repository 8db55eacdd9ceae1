package dev.coordd.daemon.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Task statements, each a step inside a transaction the caller owns. Every state change is a
 * compare-and-set on (status, lease owner, attempt), so a worker whose lease was taken from it
 * cannot overwrite the new owner's outcome. Stateless and thread-safe.
 *
 * <p>This class creates and reads tasks, and is the one entry the engine and the service hold for
 * the rest, which lives by responsibility: claims and leases in {@link TaskLeases}, how attempts
 * end in {@link TaskOutcomes}, waits and dependencies in {@link TaskWaits}, the run history in
 * {@link TaskRuns}.
 */
public final class TaskStore {
  private final TaskSql sql;
  private final TaskRuns runs;
  private final TaskLeases leases;
  private final TaskOutcomes outcomes;
  private final TaskWaits waits;

  public TaskStore(SqlDialect dialect) {
    this.sql = dialect.tasks();
    this.runs = new TaskRuns(sql);
    this.leases = new TaskLeases(sql, new QueueStore(dialect));
    this.outcomes = new TaskOutcomes(sql, runs);
    this.waits = new TaskWaits(sql, runs);
  }

  /** A new row; {@code data} is JSON text. */
  public record NewRow(
      String id,
      String type,
      String description,
      String data,
      TaskStatus status,
      int priority,
      String assignedTo,
      String createdBy,
      long runAt,
      int maxAttempts,
      Long timeoutMs,
      String idempotencyKey,
      long createdAt,
      String waitingFor) {}

  /**
   * What an insert did: created {@code row}, or found {@code existing} holding the idempotency key.
   */
  public record Inserted(Task existing, NewRow row) {
    public boolean created() {
      return existing == null;
    }
  }

  /**
   * Inserts the row, or finds the task that already holds its idempotency key. A new task is not
   * read back: the caller builds it from what it sent ({@link #created}), off the single writer's
   * thread.
   */
  public Inserted insert(Tx tx, NewRow r) throws SQLException {
    int inserted =
        tx.update(
            sql.insertTask(),
            r.id(),
            r.type(),
            r.description(),
            r.data(),
            r.status().wire(),
            r.priority(),
            Tx.text(r.assignedTo()),
            Tx.text(r.createdBy()),
            r.runAt(),
            r.maxAttempts(),
            r.maxAttempts(),
            Tx.bigint(r.timeoutMs()),
            Tx.text(r.idempotencyKey()),
            r.createdAt(),
            Tx.text(r.waitingFor()));
    if (inserted == 1) {
      return new Inserted(null, r);
    }
    Task existing = tx.queryOne(sql.taskByIdempotencyKey(), Rows::task, r.idempotencyKey());
    if (existing == null) {
      throw new SQLException("insert of task " + r.id() + " conflicted but no task holds its key");
    }
    return new Inserted(existing, r);
  }

  public Task get(Tx tx, String id) throws SQLException {
    return tx.queryOne(sql.taskById(), Rows::task, id);
  }

  public List<TaskRun> runs(Tx tx, String id) throws SQLException {
    return runs.of(tx, id);
  }

  public List<Task> list(Tx tx, TaskQuery q) throws SQLException {
    List<Object> args = new ArrayList<>();
    if (q.status() != null) {
      args.add(q.status().wire());
    }
    if (q.type() != null) {
      args.add(q.type());
    }
    if (q.assignedTo() != null) {
      args.add(q.assignedTo());
    }
    args.add(q.effectiveLimit());
    String statement = sql.listTasks(q.status() != null, q.type() != null, q.assignedTo() != null);
    return tx.query(statement, Rows::task, args.toArray());
  }

  /** The task a successful {@link #insert} created, as the row now holds it. */
  public static Task created(NewRow r, JsonNode data) {
    return new Task(
        r.id(),
        r.type(),
        r.description(),
        data,
        r.status(),
        r.priority(),
        r.assignedTo(),
        r.createdBy(),
        r.runAt(),
        0,
        r.maxAttempts(),
        r.timeoutMs(),
        r.idempotencyKey(),
        null,
        null,
        null,
        null,
        r.createdAt(),
        null,
        null,
        r.waitingFor(),
        null,
        List.of());
  }

  /** Waiting tasks whose {@code waitingFor} starts with {@code prefix}. */
  public List<Task> waitingFor(Tx tx, String prefix) throws SQLException {
    return waits.waitingFor(tx, prefix);
  }

  /** Earliest future run time among queued tasks, or null when none is delayed. */
  public Long nextRunAt(Tx tx, long now) throws SQLException {
    return tx.queryOne(
        sql.nextRunAt(),
        rs -> {
          long v = rs.getLong(1);
          return rs.wasNull() ? null : v;
        },
        now);
  }

  public Map<TaskStatus, Long> countByStatus(Tx tx) throws SQLException {
    Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
    for (TaskStatus s : TaskStatus.values()) {
      counts.put(s, 0L);
    }
    tx.query(
        sql.countByStatus(),
        rs -> {
          counts.put(TaskStatus.parse(rs.getString(1)), rs.getLong(2));
          return null;
        });
    return counts;
  }

  // --- claims and leases: TaskLeases ---

  /**
   * Claims up to {@code max} due tasks for {@code agent}: those assigned to it and unassigned ones
   * of {@code typesJson} (a JSON array; null for any type), within the queue policies. Highest
   * priority first, then oldest.
   */
  public List<Task> claim(Tx tx, String agent, String typesJson, long now, long leaseUntil, int max)
      throws SQLException {
    return leases.claim(tx, agent, typesJson, now, leaseUntil, max);
  }

  public Task renewLease(Tx tx, String id, String owner, long until) throws SQLException {
    return leases.renew(tx, id, owner, until);
  }

  public int renewLeasesOf(Tx tx, String owner, long until) throws SQLException {
    return leases.renewAllOf(tx, owner, until);
  }

  /** Renews only the listed tasks (those a worker really has in hand). */
  public int renewLeases(Tx tx, String owner, Collection<String> ids, long until)
      throws SQLException {
    return leases.renew(tx, owner, ids, until);
  }

  /** Running tasks whose lease ran out or whose owner went stale. */
  public List<Task> expired(Tx tx, long now, long staleCutoff, String self) throws SQLException {
    return leases.expired(tx, now, staleCutoff, self);
  }

  public List<Task> runningOf(Tx tx, String owner) throws SQLException {
    return leases.runningOf(tx, owner);
  }

  // --- how attempts end: TaskOutcomes ---

  /**
   * Succeeds the attempt {@code running} describes; false when that attempt no longer holds the
   * task. The caller builds the finished task with {@link #succeeded}, off the writer's thread.
   */
  public boolean complete(Tx tx, Task running, String resultJson, long now) throws SQLException {
    return outcomes.complete(tx, running, resultJson, now);
  }

  /** {@code running} as a successful {@link #complete} left it. */
  public static Task succeeded(Task running, JsonNode result, long now) {
    return TaskOutcomes.succeeded(running, result, now);
  }

  /**
   * Ends the attempt {@code running} describes with an error: back to {@code queued} at {@code
   * retryAt}, or {@code failed} for good. Null when that attempt no longer holds the task.
   */
  public Task endAttempt(
      Tx tx, Task running, TaskError error, boolean retry, long retryAt, long now)
      throws SQLException {
    return outcomes.endAttempt(tx, running, error, retry, retryAt, now);
  }

  /** Puts a running task back without spending its attempt, recording why. */
  public Task requeueUncounted(Tx tx, Task running, TaskError reason, long now)
      throws SQLException {
    return outcomes.requeueUncounted(tx, running, reason, now);
  }

  /** Cancels {@code current} if it is still in the status it was read in; null otherwise. */
  public Task cancel(Tx tx, Task current, TaskError reason, long now) throws SQLException {
    return outcomes.cancel(tx, current, reason, now);
  }

  /** Queues a failed or cancelled task again; one with dependencies waits for them first. */
  public Task retry(Tx tx, String id, long now) throws SQLException {
    return outcomes.retry(tx, id, now);
  }

  // --- waits and dependencies: TaskWaits ---

  /** Parks the attempt {@code running} describes in {@code waiting}; null if it lost the task. */
  public Task park(Tx tx, Task running, String waitingFor, long until) throws SQLException {
    return waits.park(tx, running, waitingFor, until);
  }

  /**
   * Ends a wait: succeeded with {@code resultJson}, or failed with {@code error}. The run history
   * credits {@code worker}, who did the work outside. Null if the task no longer waits for that.
   */
  public Task endWait(
      Tx tx, Task waiting, String resultJson, TaskError error, String worker, long now)
      throws SQLException {
    return waits.endWait(tx, waiting, resultJson, error, worker, now);
  }

  /** Records that {@code taskId} runs only after {@code dependsOn} succeeded. */
  public void addDependency(Tx tx, String taskId, String dependsOn) throws SQLException {
    waits.addDependency(tx, taskId, dependsOn);
  }

  /** A task waiting on dependencies, with how many failed and how many are not done. */
  public record DependencyWait(Task task, int broken, int open) {}

  public List<DependencyWait> dependencyWaits(Tx tx) throws SQLException {
    return waits.dependencyWaits(tx);
  }

  /** The first dependency of {@code taskId} that failed or was cancelled, or null. */
  public Task brokenDependency(Tx tx, String taskId) throws SQLException {
    return waits.brokenDependency(tx, taskId);
  }

  /** Moves a task whose dependencies all succeeded into the queue; null if it moved on. */
  public Task releaseDependent(Tx tx, String id, long now) throws SQLException {
    return waits.releaseDependent(tx, id, now);
  }

  /** Fails a task whose dependency failed; null if it moved on (cancelled meanwhile). */
  public Task failDependent(Tx tx, String id, TaskError error, long now) throws SQLException {
    return waits.failDependent(tx, id, error, now);
  }
}
