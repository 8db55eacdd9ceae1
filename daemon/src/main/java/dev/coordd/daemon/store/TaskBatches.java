package dev.coordd.daemon.store;

import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The statements of a group of {@link Batched} task operations: set-based over arrays where the
 * dialect says {@link TaskSql#setBased} (one round trip for the whole group), the one-row
 * statements in a loop elsewhere (SQLite, where a statement costs no round trip). Either way the
 * rows end as the one-row operations would leave them. Stateless and thread-safe.
 */
final class TaskBatches {
  private final TaskSql sql;
  private final AgentSql agents;
  private final TaskRuns runs;

  TaskBatches(SqlDialect dialect) {
    this.sql = dialect.tasks();
    this.agents = dialect.agents();
    this.runs = new TaskRuns(sql);
  }

  /**
   * Splits a group into rounds in which no key (a task id) appears twice, each operation in the
   * earliest round after the one holding its previous namesake: a round's set-based statements see
   * one row per task, and a second operation on a task sees what the first did to it.
   */
  static <O> List<List<Integer>> rounds(List<O> ops, Function<O, String> key) {
    List<List<Integer>> rounds = new ArrayList<>();
    Map<String, Integer> lastRound = new HashMap<>();
    for (int i = 0; i < ops.size(); i++) {
      int round = lastRound.merge(key.apply(ops.get(i)), 0, (was, zero) -> was + 1);
      while (rounds.size() <= round) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(i);
    }
    return rounds;
  }

  /** The tasks of these ids that exist, by id. */
  Map<String, Task> tasksById(Tx tx, Set<String> ids) throws SQLException {
    Map<String, Task> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    if (sql.setBased()) {
      for (Task t : tx.query(sql.tasksByIds(), Rows::task, tx.array("text", ids.toArray()))) {
        found.put(t.id(), t);
      }
    } else {
      for (String id : ids) {
        Task t = tx.queryOne(sql.taskById(), Rows::task, id);
        if (t != null) {
          found.put(id, t);
        }
      }
    }
    return found;
  }

  /**
   * Records a beat for each agent, with the last time given for it; names in order, so two daemons'
   * writers lock agent rows in one order.
   */
  void heartbeats(Tx tx, Map<String, Long> lastBeat) throws SQLException {
    if (lastBeat.isEmpty()) {
      return;
    }
    Map<String, Long> sorted = new TreeMap<>(lastBeat);
    if (sql.setBased()) {
      tx.update(
          agents.heartbeatMany(),
          tx.array("text", sorted.keySet().toArray()),
          tx.array("bigint", sorted.values().toArray()));
    } else {
      for (Map.Entry<String, Long> beat : sorted.entrySet()) {
        tx.query(agents.heartbeat(), rs -> null, beat.getValue(), beat.getKey());
      }
    }
  }

  /**
   * Succeeds each attempt {@code running.get(i)} describes with its result at its time (the
   * compare-and-set of {@link TaskSql#complete}, one task at most once) and writes the run history
   * of those it succeeded; true at each index it succeeded.
   */
  boolean[] complete(Tx tx, List<Task> running, List<String> results, List<Long> nows)
      throws SQLException {
    int n = running.size();
    boolean[] done = new boolean[n];
    if (n == 0) {
      return done;
    }
    if (!sql.setBased()) {
      for (int i = 0; i < n; i++) {
        Task r = running.get(i);
        done[i] =
            tx.update(
                    sql.complete(),
                    Tx.text(results.get(i)),
                    nows.get(i),
                    r.id(),
                    Tx.text(r.leaseOwner()),
                    r.attempts())
                == 1;
        if (done[i]) {
          runs.record(tx, r, nows.get(i), "succeeded", results.get(i), null);
        }
      }
      return done;
    }
    Object[] ids = new Object[n];
    Object[] owners = new Object[n];
    Object[] attempts = new Object[n];
    for (int i = 0; i < n; i++) {
      ids[i] = running.get(i).id();
      owners[i] = running.get(i).leaseOwner();
      attempts[i] = running.get(i).attempts();
    }
    Set<String> completed =
        new HashSet<>(
            tx.query(
                sql.completeMany(),
                rs -> rs.getString(1),
                tx.array("text", ids),
                tx.array("text", results.toArray()),
                tx.array("bigint", nows.toArray()),
                tx.array("text", owners),
                tx.array("integer", attempts)));
    List<Run> history = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      done[i] = completed.contains(running.get(i).id());
      if (done[i]) {
        Task r = running.get(i);
        history.add(new Run(r, r.leaseOwner(), nows.get(i), "succeeded", results.get(i), null));
      }
    }
    insertRuns(tx, history);
    return done;
  }

  /** A run history row, as {@link TaskRuns#record} writes it. */
  record Run(
      Task task, String worker, long now, String outcome, String resultJson, TaskError error) {}

  private void insertRuns(Tx tx, List<Run> history) throws SQLException {
    if (history.isEmpty()) {
      return;
    }
    int n = history.size();
    Object[][] columns = new Object[9][n];
    for (int i = 0; i < n; i++) {
      Run r = history.get(i);
      columns[0][i] = r.task().id();
      columns[1][i] = r.task().attempts();
      columns[2][i] = r.worker();
      columns[3][i] = r.task().startedAt();
      columns[4][i] = r.now();
      columns[5][i] = r.outcome();
      columns[6][i] = r.resultJson();
      columns[7][i] = r.error() == null ? null : r.error().message();
      columns[8][i] = r.error() == null ? null : r.error().kind();
    }
    String[] types = {
      "text", "integer", "text", "bigint", "bigint", "text", "text", "text", "text"
    };
    Object[] args = new Object[9];
    for (int c = 0; c < 9; c++) {
      args[c] = tx.array(types[c], columns[c]);
    }
    tx.update(sql.insertRuns(), args);
  }

  /** A lease to renew: the task, who must hold it, when, and the default length. */
  record Renewal(String id, String owner, long now, long defaultLeaseMs) {}

  /**
   * Renews each lease its owner still holds (the compare-and-set of {@link TaskSql#renewLease}, one
   * task at most once), each by its task's own length; the renewed rows by id.
   */
  Map<String, Task> renew(Tx tx, List<Renewal> renewals) throws SQLException {
    Map<String, Task> renewed = new HashMap<>();
    if (renewals.isEmpty()) {
      return renewed;
    }
    if (!sql.setBased()) {
      for (Renewal r : renewals) {
        Task t =
            tx.queryOne(
                sql.renewLease(), Rows::task, r.now(), r.defaultLeaseMs(), r.id(), r.owner());
        if (t != null) {
          renewed.put(t.id(), t);
        }
      }
      return renewed;
    }
    int n = renewals.size();
    Object[] ids = new Object[n];
    Object[] owners = new Object[n];
    Object[] nows = new Object[n];
    Object[] defaults = new Object[n];
    for (int i = 0; i < n; i++) {
      Renewal r = renewals.get(i);
      ids[i] = r.id();
      owners[i] = r.owner();
      nows[i] = r.now();
      defaults[i] = r.defaultLeaseMs();
    }
    for (Task t :
        tx.query(
            sql.renewLeases(),
            Rows::task,
            tx.array("text", ids),
            tx.array("text", owners),
            tx.array("bigint", nows),
            tx.array("bigint", defaults))) {
      renewed.put(t.id(), t);
    }
    return renewed;
  }

  /**
   * Inserts the rows in order, each as {@link TaskStore#insert} would: created, or the task that
   * already holds its idempotency key (an earlier row of the same list included).
   */
  List<TaskStore.Inserted> insert(Tx tx, List<TaskStore.NewRow> rows) throws SQLException {
    List<TaskStore.Inserted> out = new ArrayList<>(rows.size());
    if (!sql.setBased()) {
      for (TaskStore.NewRow r : rows) {
        out.add(TaskStore.insertOne(tx, sql, r));
      }
      return out;
    }
    int n = rows.size();
    Object[][] columns = new Object[14][n];
    for (int i = 0; i < n; i++) {
      TaskStore.NewRow r = rows.get(i);
      columns[0][i] = r.id();
      columns[1][i] = r.type();
      columns[2][i] = r.description();
      columns[3][i] = r.data();
      columns[4][i] = r.status().wire();
      columns[5][i] = r.priority();
      columns[6][i] = r.assignedTo();
      columns[7][i] = r.createdBy();
      columns[8][i] = r.runAt();
      columns[9][i] = r.maxAttempts();
      columns[10][i] = r.timeoutMs();
      columns[11][i] = r.idempotencyKey();
      columns[12][i] = r.createdAt();
      columns[13][i] = r.waitingFor();
    }
    String[] types = {
      "text", "text", "text", "text", "text", "integer", "text", "text", "bigint", "integer",
      "bigint", "text", "bigint", "text"
    };
    Object[] args = new Object[14];
    for (int c = 0; c < 14; c++) {
      args[c] = tx.array(types[c], columns[c]);
    }
    Set<String> inserted = new HashSet<>(tx.query(sql.insertTasks(), rs -> rs.getString(1), args));
    Map<String, Task> holders = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    for (TaskStore.NewRow r : rows) {
      if (!inserted.contains(r.id()) && r.idempotencyKey() != null) {
        keys.add(r.idempotencyKey());
      }
    }
    if (!keys.isEmpty()) {
      for (Task t :
          tx.query(sql.tasksByIdempotencyKeys(), Rows::task, tx.array("text", keys.toArray()))) {
        holders.put(t.idempotencyKey(), t);
      }
    }
    for (TaskStore.NewRow r : rows) {
      if (inserted.contains(r.id())) {
        out.add(new TaskStore.Inserted(null, r));
        continue;
      }
      Task existing = r.idempotencyKey() == null ? null : holders.get(r.idempotencyKey());
      if (existing == null) {
        // The group fails and is bisected; alone, the one-row insert says the same.
        throw new SQLException(
            "insert of task " + r.id() + " conflicted but no task holds its key");
      }
      out.add(new TaskStore.Inserted(existing, r));
    }
    return out;
  }
}
