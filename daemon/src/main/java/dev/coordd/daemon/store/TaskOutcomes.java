package dev.coordd.daemon.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskStatus;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an attempt ends (succeeded, retried or failed, put back uncounted, cancelled) and a finished
 * task's way back into the queue. Each ending of a running attempt is a compare-and-set on (status,
 * lease owner, attempt), and writes its run history row. Stateless and thread-safe.
 */
public final class TaskOutcomes {
  private final TaskSql sql;
  private final TaskRuns runs;

  private final TaskBatches batches;

  public TaskOutcomes(SqlDialect dialect) {
    this.sql = dialect.tasks();
    this.runs = new TaskRuns(sql);
    this.batches = new TaskBatches(dialect);
  }

  /**
   * A worker's completion of task {@code id} as a writer operation: records {@code agent}'s beat,
   * reads the task, runs {@code check} on it (whose error the caller gets, changing nothing), then
   * {@link #complete}s it. Its value is the task as it was running, or null when the attempt lost
   * the task in between. The writer runs adjacent completions together ({@link Batched}): one beat
   * per agent, one read, one update and one history insert for the group where the database has
   * set-based statements.
   */
  public Batched<Task> completing(
      String id, String agent, HoldCheck check, String resultJson, long now) {
    return new Completion(completions, id, null, agent, check, resultJson, now);
  }

  /**
   * {@link #complete} of an attempt the caller has in hand (the daemon's own worker), as a writer
   * operation of the same kind as {@link #completing(String, String, HoldCheck, String, long)}, so
   * both coalesce: no beat, read or check. Its value is {@code running}, or null when that attempt
   * no longer holds the task.
   */
  public Batched<Task> completing(Task running, String resultJson, long now) {
    return new Completion(completions, running.id(), running, null, null, resultJson, now);
  }

  /** Either {@code running} is known, or {@code agent} and {@code check} say whose it must be. */
  private record Completion(
      Batched.Kind<Completion> kind,
      String id,
      Task running,
      String agent,
      HoldCheck check,
      String resultJson,
      long now)
      implements Batched<Task> {}

  private final Batched.Kind<Completion> completions = this::completeAll;

  private List<Batched.Outcome> completeAll(Tx tx, List<Completion> ops) throws SQLException {
    Batched.Outcome[] outcomes = new Batched.Outcome[ops.size()];
    for (List<Integer> round : TaskBatches.rounds(ops, Completion::id)) {
      Set<String> unknown = new HashSet<>();
      for (int i : round) {
        if (ops.get(i).running() == null) {
          unknown.add(ops.get(i).id());
        }
      }
      Map<String, Task> read = batches.tasksById(tx, unknown);
      Map<String, Long> beats = new HashMap<>();
      List<Integer> held = new ArrayList<>();
      List<Task> running = new ArrayList<>();
      for (int i : round) {
        Completion op = ops.get(i);
        Task current = op.running() != null ? op.running() : read.get(op.id());
        if (op.check() != null) {
          try {
            op.check().check(current);
          } catch (RuntimeException e) {
            outcomes[i] = Batched.Outcome.failed(e);
            continue;
          }
        }
        if (op.agent() != null) {
          beats.put(op.agent(), op.now());
        }
        held.add(i);
        running.add(current);
      }
      batches.heartbeats(tx, beats);
      boolean[] done =
          batches.complete(
              tx,
              running,
              held.stream().map(i -> ops.get(i).resultJson()).toList(),
              held.stream().map(i -> ops.get(i).now()).toList());
      for (int k = 0; k < held.size(); k++) {
        outcomes[held.get(k)] = Batched.Outcome.of(done[k] ? running.get(k) : null);
      }
    }
    return List.of(outcomes);
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
      runs.record(tx, running, now, "succeeded", resultJson, null);
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
        r.leaseMs(),
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
      runs.record(tx, running, now, retry ? "retry" : "failed", null, error);
    }
    return ended;
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
      runs.record(tx, running, now, "requeued", null, reason);
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
      runs.record(tx, current, now, "cancelled", null, reason);
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
}
