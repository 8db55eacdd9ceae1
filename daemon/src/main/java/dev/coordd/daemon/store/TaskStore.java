package dev.coordd.daemon.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Creating and reading tasks, each statement a step inside a transaction the caller owns. Stateless
 * and thread-safe.
 *
 * <p>What happens to a task after that lives by responsibility, each class used directly by its
 * callers: claims and leases in {@link TaskLeases}, how attempts end in {@link TaskOutcomes}, waits
 * and dependencies in {@link TaskWaits}. Every change to a running attempt there is a
 * compare-and-set on (status, lease owner, attempt), so a worker whose lease was taken from it
 * cannot overwrite the new owner's outcome. The run history is written by {@link TaskRuns} as part
 * of those changes and read here.
 */
public final class TaskStore {
  private final TaskSql sql;
  private final TaskBatches batches;

  public TaskStore(SqlDialect dialect) {
    this.sql = dialect.tasks();
    this.batches = new TaskBatches(dialect);
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
      String waitingFor) {

    /** This row as a task that waits, for {@code kind}, instead of being queued. */
    public NewRow waiting(String kind) {
      return new NewRow(
          id,
          type,
          description,
          data,
          TaskStatus.WAITING,
          priority,
          assignedTo,
          createdBy,
          runAt,
          maxAttempts,
          timeoutMs,
          idempotencyKey,
          createdAt,
          kind);
    }
  }

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
    return insertOne(tx, sql, r);
  }

  /**
   * {@link #insert} as a writer operation that the writer runs together with adjacent ones: a group
   * commit's creates become one set-based insert where the database has them ({@link TaskBatches}).
   * For a task without dependencies (those are recorded in the same transaction).
   */
  public Batched<Inserted> inserting(NewRow row) {
    return new Creation(creations, row);
  }

  private record Creation(Batched.Kind<Creation> kind, NewRow row) implements Batched<Inserted> {}

  private final Batched.Kind<Creation> creations = this::insertAll;

  private List<Batched.Outcome> insertAll(Tx tx, List<Creation> ops) throws SQLException {
    List<Batched.Outcome> outcomes = new ArrayList<>(ops.size());
    for (Inserted i : batches.insert(tx, ops.stream().map(Creation::row).toList())) {
      outcomes.add(Batched.Outcome.of(i));
    }
    return outcomes;
  }

  static Inserted insertOne(Tx tx, TaskSql sql, NewRow r) throws SQLException {
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

  /** The task that holds an idempotency key, or null. */
  public Task byIdempotencyKey(Tx tx, String key) throws SQLException {
    return tx.queryOne(sql.taskByIdempotencyKey(), Rows::task, key);
  }

  /** The run history of task {@code id}, one row per ended attempt, in the order they ended. */
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
    String before = q.effectiveBefore();
    if (before != null) {
      args.add(before);
    }
    args.add(q.effectiveLimit());
    String statement =
        sql.listTasks(q.status() != null, q.type() != null, q.assignedTo() != null, before != null);
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
        null,
        null,
        r.createdAt(),
        null,
        null,
        r.waitingFor(),
        null,
        List.of());
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
}
