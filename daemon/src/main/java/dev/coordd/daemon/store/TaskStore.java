package dev.coordd.daemon.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.internal.Json;
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
 */
public final class TaskStore {
  private final TaskSql sql;
  private final QueueStore queues;

  public TaskStore(SqlDialect sql) {
    this.sql = sql.tasks();
    this.queues = new QueueStore(sql);
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

  /**
   * Claims up to {@code max} due tasks for {@code agent}: those assigned to it and unassigned ones
   * of {@code typesJson} (a JSON array; null for any type). Highest priority first, then oldest.
   *
   * <p>Paused types are left alone and a capped type gets no more than its free slots. The policy
   * is read inside the caller's transaction, and SQLite has one writer, so it cannot change between
   * the check and the claim. With a policy, uncapped types are claimed first in one statement, then
   * each capped type up to its free slots; every statement uses the claim index.
   */
  public List<Task> claim(Tx tx, String agent, String typesJson, long now, long leaseUntil, int max)
      throws SQLException {
    Map<String, QueueStore.Policy> policies = queues.policies(tx);
    List<String> held = new ArrayList<>();
    policies.forEach(
        (type, p) -> {
          if (p.paused() || p.cap() != null) {
            held.add(type);
          }
        });
    List<Task> claimed = new ArrayList<>();
    if (held.isEmpty()) {
      claimed.addAll(
          tx.query(sql.claim(""), Rows::task, agent, leaseUntil, now, Tx.text(typesJson), max));
    } else {
      claimed.addAll(
          tx.query(
              sql.claim(TaskSql.CLAIM_EXCLUDING),
              Rows::task,
              agent,
              leaseUntil,
              now,
              Tx.text(typesJson),
              max,
              Json.write(held)));
      for (String type : held) {
        QueueStore.Policy p = policies.get(type);
        int room = max - claimed.size();
        if (p.paused() || room <= 0) {
          continue;
        }
        long free = p.cap() - tx.count(sql.countRunningOfType(), type);
        if (free > 0) {
          claimed.addAll(
              tx.query(
                  sql.claim(TaskSql.CLAIM_OF_TYPE),
                  Rows::task,
                  agent,
                  leaseUntil,
                  now,
                  Tx.text(typesJson),
                  (int) Math.min(free, room),
                  type));
        }
      }
    }
    // RETURNING order is unspecified; hand tasks out in claim order.
    claimed.sort(
        (a, b) ->
            a.priority() != b.priority()
                ? Integer.compare(b.priority(), a.priority())
                : a.id().compareTo(b.id()));
    return claimed;
  }

  public Task get(Tx tx, String id) throws SQLException {
    return tx.queryOne(sql.taskById(), Rows::task, id);
  }

  public List<TaskRun> runs(Tx tx, String id) throws SQLException {
    return tx.query(sql.runsOfTask(), Rows::run, id);
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

  /**
   * Succeeds the attempt {@code running} describes; false when that attempt no longer holds the
   * task. The caller builds the finished task with {@link #succeeded}, off the writer's thread.
   */
  public boolean complete(Tx tx, Task running, String resultJson, long now) throws SQLException {
    boolean done =
        tx.update(
                sql.complete(),
                Tx.text(resultJson),
                now,
                running.id(),
                Tx.text(running.leaseOwner()),
                running.attempts())
            == 1;
    if (done) {
      insertRun(tx, running, now, "succeeded", resultJson, null);
    }
    return done;
  }

  /** {@code running} as a successful {@link #complete} left it. */
  public static Task succeeded(Task r, JsonNode result, long now) {
    return new Task(
        r.id(),
        r.type(),
        r.description(),
        r.data(),
        TaskStatus.SUCCEEDED,
        r.priority(),
        r.assignedTo(),
        r.createdBy(),
        r.runAt(),
        r.attempts(),
        r.maxAttempts(),
        r.timeoutMs(),
        r.idempotencyKey(),
        result,
        null,
        null,
        null,
        r.createdAt(),
        r.startedAt(),
        now,
        null,
        null,
        List.of());
  }

  /**
   * Ends the attempt {@code running} describes with an error: back to {@code queued} at {@code
   * retryAt}, or {@code failed} for good. Null when that attempt no longer holds the task.
   */
  public Task endAttempt(
      Tx tx, Task running, TaskError error, boolean retry, long retryAt, long now)
      throws SQLException {
    TaskStatus next = retry ? TaskStatus.QUEUED : TaskStatus.FAILED;
    Task ended =
        tx.queryOne(
            sql.endAttempt(),
            Rows::task,
            next.wire(),
            retry ? retryAt : running.runAt(),
            Tx.text(Rows.errorJson(error)),
            Tx.bigint(retry ? null : now),
            running.id(),
            Tx.text(running.leaseOwner()),
            running.attempts());
    if (ended != null) {
      insertRun(tx, running, now, retry ? "retry" : "failed", null, error);
    }
    return ended;
  }

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
      tx.update(
          sql.insertRun(),
          waiting.id(),
          waiting.attempts(),
          Tx.text(worker),
          Tx.bigint(waiting.startedAt()),
          now,
          status.wire(),
          Tx.text(resultJson),
          Tx.text(error == null ? null : error.message()),
          Tx.text(error == null ? null : error.kind()));
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

  /** A task waiting on dependencies, with how many failed and how many are not done. */
  public record DependencyWait(Task task, int broken, int open) {}

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

  /** Puts a running task back without spending its attempt, recording why. */
  public Task requeueUncounted(Tx tx, Task running, TaskError reason, long now)
      throws SQLException {
    Task requeued =
        tx.queryOne(
            sql.requeueUncounted(),
            Rows::task,
            running.id(),
            Tx.text(running.leaseOwner()),
            running.attempts());
    if (requeued != null) {
      insertRun(tx, running, now, "requeued", null, reason);
    }
    return requeued;
  }

  /** Cancels {@code current} if it is still in the status it was read in; null otherwise. */
  public Task cancel(Tx tx, Task current, TaskError reason, long now) throws SQLException {
    Task cancelled =
        tx.queryOne(
            sql.cancel(),
            Rows::task,
            now,
            Tx.text(Rows.errorJson(reason)),
            current.id(),
            current.status().wire());
    if (cancelled != null && current.status() == TaskStatus.RUNNING) {
      insertRun(tx, current, now, "cancelled", null, reason);
    }
    return cancelled;
  }

  /** Queues a failed or cancelled task again; one with dependencies waits for them first. */
  public Task retry(Tx tx, String id, long now) throws SQLException {
    Task queued = tx.queryOne(sql.retry(), Rows::task, now, id);
    Task waiting =
        queued == null ? null : tx.queryOne(sql.rewaitDependencies(), Rows::task, id, id);
    return waiting != null ? waiting : queued;
  }

  public Task renewLease(Tx tx, String id, String owner, long until) throws SQLException {
    return tx.queryOne(sql.renewLease(), Rows::task, until, id, owner);
  }

  public int renewLeasesOf(Tx tx, String owner, long until) throws SQLException {
    return tx.update(sql.renewLeasesOf(), until, owner);
  }

  /** Renews only the listed tasks (those a worker really has in hand). */
  public int renewLeases(Tx tx, String owner, Collection<String> ids, long until)
      throws SQLException {
    return ids.isEmpty() ? 0 : tx.update(sql.renewLeasesById(), until, owner, Json.write(ids));
  }

  /** Running tasks whose lease ran out or whose owner went stale. */
  public List<Task> expired(Tx tx, long now, long staleCutoff, String self) throws SQLException {
    return tx.query(sql.expiredLeases(), Rows::task, now, staleCutoff, self);
  }

  public List<Task> runningOf(Tx tx, String owner) throws SQLException {
    return tx.query(sql.runningOf(), Rows::task, owner);
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

  private void insertRun(
      Tx tx, Task running, long now, String outcome, String resultJson, TaskError error)
      throws SQLException {
    tx.update(
        sql.insertRun(),
        running.id(),
        running.attempts(),
        Tx.text(running.leaseOwner()),
        Tx.bigint(running.startedAt()),
        now,
        outcome,
        Tx.text(resultJson),
        Tx.text(error == null ? null : error.message()),
        Tx.text(error == null ? null : error.kind()));
  }
}
