package dev.coordd.daemon.store;

import dev.coordd.api.Task;
import dev.coordd.internal.Json;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Claiming tasks and the leases that come with a claim: renewing them, and finding the ones that
 * ran out. Stateless and thread-safe.
 */
public final class TaskLeases {
  private final TaskSql sql;
  private final QueueStore queues;

  private final TaskBatches batches;

  public TaskLeases(SqlDialect dialect) {
    this.sql = dialect.tasks();
    this.queues = new QueueStore(dialect);
    this.batches = new TaskBatches(dialect);
  }

  /**
   * A worker's renewal of its lease on task {@code id} as a writer operation: records {@code
   * owner}'s beat, reads the task, runs {@code check} on it (whose error the caller gets, changing
   * nothing), then {@link #renew}s it. Its value is the renewed task, or null when the owner lost
   * it in between. The writer runs adjacent renewals together ({@link Batched}).
   */
  public Batched<Task> renewing(
      String id, String owner, HoldCheck check, long now, long defaultLeaseMs) {
    return new Renewal(renewals, id, owner, check, now, defaultLeaseMs);
  }

  private record Renewal(
      Batched.Kind<Renewal> kind,
      String id,
      String owner,
      HoldCheck check,
      long now,
      long defaultLeaseMs)
      implements Batched<Task> {}

  private final Batched.Kind<Renewal> renewals = this::renewAll;

  private List<Batched.Outcome> renewAll(Tx tx, List<Renewal> ops) throws SQLException {
    Batched.Outcome[] outcomes = new Batched.Outcome[ops.size()];
    for (List<Integer> round : TaskBatches.rounds(ops, Renewal::id)) {
      Set<String> ids = new HashSet<>();
      round.forEach(i -> ids.add(ops.get(i).id()));
      Map<String, Task> read = batches.tasksById(tx, ids);
      Map<String, Long> beats = new HashMap<>();
      List<Integer> held = new ArrayList<>();
      List<TaskBatches.Renewal> renewing = new ArrayList<>();
      for (int i : round) {
        Renewal op = ops.get(i);
        try {
          op.check().check(read.get(op.id()));
        } catch (RuntimeException e) {
          outcomes[i] = Batched.Outcome.failed(e);
          continue;
        }
        beats.put(op.owner(), op.now());
        held.add(i);
        renewing.add(new TaskBatches.Renewal(op.id(), op.owner(), op.now(), op.defaultLeaseMs()));
      }
      batches.heartbeats(tx, beats);
      Map<String, Task> renewed = batches.renew(tx, renewing);
      for (int i : held) {
        outcomes[i] = Batched.Outcome.of(renewed.get(ops.get(i).id()));
      }
    }
    return List.of(outcomes);
  }

  /**
   * Claims up to {@code max} due tasks for {@code agent}: those assigned to it, those assigned to
   * {@code role} (null for none) and unassigned ones of {@code typesJson} (a JSON array; null for
   * any type), each leased for {@code leaseMs} (until {@code leaseUntil}) under a fresh claim
   * token. Highest priority first, then oldest.
   *
   * <p>Paused types are left alone and a capped type gets no more than its free slots. The policy
   * is read inside the caller's transaction; a capped type's row is then locked ({@link
   * QueueStore#lockPolicy}) before its running tasks are counted, so claims by several daemons on
   * one PostgreSQL take turns per type and never exceed a cap together (on SQLite the one writer
   * already does). With a policy, uncapped types are claimed first in one statement, then each
   * capped type up to its free slots; every statement uses the claim index.
   */
  public List<Task> claim(
      Tx tx, String agent, String role, String typesJson, long now, long leaseMs, int max)
      throws SQLException {
    long leaseUntil = now + leaseMs;
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
          tx.query(
              sql.claim(""),
              Rows::task,
              agent,
              leaseUntil,
              now,
              Tx.text(typesJson),
              max,
              Tx.text(role),
              leaseMs));
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
              Tx.text(role),
              leaseMs,
              Json.write(held)));
      for (String type : held) { // sorted: claims lock the types' rows in one order
        int room = max - claimed.size();
        if (policies.get(type).paused() || room <= 0) {
          continue;
        }
        // Lock, then re-read and count: another daemon's claim of this type either committed
        // before (and is counted) or waits until this transaction ends.
        QueueStore.Policy p = queues.lockPolicy(tx, type);
        if (p == null || p.paused()) {
          continue;
        }
        long free = p.cap() == null ? room : p.cap() - tx.count(sql.countRunningOfType(), type);
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
                  Tx.text(role),
                  leaseMs,
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

  /**
   * Renews the lease {@code owner} holds on task {@code id} by the task's own lease length ({@code
   * defaultLeaseMs} for a row claimed before lengths were recorded); null if it no longer holds it.
   */
  public Task renew(Tx tx, String id, String owner, long now, long defaultLeaseMs)
      throws SQLException {
    return tx.queryOne(sql.renewLease(), Rows::task, now, defaultLeaseMs, id, owner);
  }

  /** Renews every task {@code owner} is running, each by its own lease length. */
  public int renewAllOf(Tx tx, String owner, long now, long defaultLeaseMs) throws SQLException {
    return tx.update(sql.renewLeasesOf(), now, defaultLeaseMs, owner);
  }

  /** Renews only the listed tasks (those a worker really has in hand). */
  public int renewListed(Tx tx, String owner, Collection<String> ids, long now, long defaultLeaseMs)
      throws SQLException {
    return ids.isEmpty()
        ? 0
        : tx.update(sql.renewLeasesById(), now, defaultLeaseMs, owner, Json.write(ids));
  }

  /**
   * Running tasks whose lease ran out, or whose owner went stale while holding a lease no longer
   * than {@code defaultLeaseMs} (a longer lease was asked for by an agent that does not beat).
   */
  public List<Task> expired(Tx tx, long now, long defaultLeaseMs, long staleCutoff, String self)
      throws SQLException {
    return tx.query(sql.expiredLeases(), Rows::task, now, defaultLeaseMs, staleCutoff, self);
  }

  /**
   * Queued tasks that were delayed (a run time, a backoff) and came due in ({@code after}, {@code
   * through}]: nobody was told they are available yet. One range of the due index.
   */
  public List<Task> becameDue(Tx tx, long after, long through) throws SQLException {
    return tx.query(sql.becameDue(), Rows::task, after, through);
  }

  /** One queued task per type and assignee that is due by {@code now}. */
  public record Claimable(String id, String type, String assignedTo) {}

  /** One claimable task of each type and assignee, due by {@code now} (see the SQL's comment). */
  public List<Claimable> claimableKinds(Tx tx, long now) throws SQLException {
    return tx.query(
        sql.claimableKinds(),
        rs -> new Claimable(rs.getString(1), rs.getString(2), rs.getString(3)),
        now);
  }

  public List<Task> runningOf(Tx tx, String owner) throws SQLException {
    return tx.query(sql.runningOf(), Rows::task, owner);
  }
}
