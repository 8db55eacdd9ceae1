package dev.coordd.daemon.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL: everything in which it differs from the standard SQL of the statement sets, in one
 * file. Several daemons write at once here, so the claim locks what it takes ({@code FOR UPDATE
 * SKIP LOCKED}: claimers pass each other's rows by instead of queueing on them) and a capped type's
 * {@code queue_types} row is locked before its running tasks are counted ({@link QueueSql}). JSON
 * arrays of names arrive as text, as on SQLite, and are opened with {@code
 * jsonb_array_elements_text} where SQLite uses {@code json_each}.
 *
 * <p>PostgreSQL's JDBC driver has no numbered parameters ({@code ?1}), so a statement that uses a
 * parameter twice binds them once into a one-row {@code p} CTE and reads them from there: the
 * callers bind the same list on both databases.
 *
 * <p>Set-based batches (a group commit's creates, completions and lease renewals as one {@code
 * UNNEST} statement each, see {@link TaskBatches}) are the overrides under {@link
 * TaskSql#setBased}; where a database has none, a group runs the one-row statements in a loop.
 */
final class PostgresDialect extends SqlDialect {
  /** Names the migration lock among other users of advisory locks in the same database. */
  private static final String MIGRATION_LOCK = "hashtext('coordd.migrate.' || current_schema())";

  /**
   * How every connection of ours has its statements planned, so that a claim costs the same with a
   * thousand tasks queued as with a million.
   *
   * <p>JIT off. The planner's cost of a claim grows with the table (its row estimates for a LIMIT
   * it cannot see, the parameter in {@code p}, are fractions of all queued rows), so past about
   * 100k queued tasks the server compiled each claim to machine code before running it
   * (jit_above_cost), and past about 500k also inlined and optimised it: tens to hundreds of
   * milliseconds per claim, every time, for a statement that itself reads a handful of index
   * entries in well under a millisecond. None of our statements gains from JIT.
   *
   * <p>A fresh plan at every execution. After five runs of a prepared statement the server may keep
   * one generic plan, costed on the statistics of that moment, until the next ANALYZE. A daemon
   * that starts on an empty store and fills its queue faster than autovacuum analyzes it kept the
   * plan it made for a handful of rows: the claim read every due task through tasks_due and sorted
   * them (about a second per claim with a million queued). Planned afresh, a statement is costed on
   * the table's current size; the claim's planning takes about a millisecond, whatever the queue.
   *
   * <p>Settings of the session, not the url's startup options, so that they also hold behind a
   * connection pooler that refuses those.
   */
  static final List<String> PLANNING =
      List.of("SET jit = off", "SET plan_cache_mode = force_custom_plan");

  PostgresDialect() {
    super(
        new PostgresTaskSql(),
        new PostgresAgentSql(),
        new QueueSql(),
        new PostgresEventSql(),
        new PostgresLockSql(),
        new ScheduleSql());
  }

  @Override
  String migrationFolder() {
    return "/db/postgres";
  }

  /** The same versions as SQLite's, file by file: a store is at one version on either database. */
  @Override
  List<String> migrations() {
    return SqliteDialect.MIGRATIONS;
  }

  /**
   * READ COMMITTED, said aloud though it is PostgreSQL's default: every statement sees what other
   * daemons committed before it began, which the claim's re-check and the cap's count-after-lock
   * rely on.
   */
  @Override
  void configure(Connection c) throws SQLException {
    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    try (Statement st = c.createStatement()) {
      // A statement stuck behind a lock for this long is a bug or an operator's lock, not load.
      st.execute("SET lock_timeout = '30s'");
      // The writer never leaves a transaction idle; if this daemon hangs or is cut off mid-batch,
      // the server ends the session so its row and advisory locks stop blocking the other daemons.
      st.execute("SET idle_in_transaction_session_timeout = '60s'");
      for (String setting : PLANNING) {
        st.execute(setting);
      }
    }
  }

  /**
   * Session-level, held across the migrator's per-file commits: two daemons starting at once on one
   * schema take turns, and the second finds the work done. Per schema, so stores in other schemas
   * of the same database (one per test class) do not wait for each other.
   */
  @Override
  String migrationLock() {
    return "SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")";
  }

  @Override
  String migrationUnlock() {
    return "SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")";
  }

  /**
   * Besides class 08: the server ending the session (57P01 admin shutdown or {@code
   * pg_terminate_backend}, 57P02 crash shutdown, 57P03 cannot connect now, e.g. still starting).
   */
  @Override
  boolean connectionLost(SQLException e) {
    String state = e.getSQLState();
    return super.connectionLost(e) || (state != null && state.startsWith("57P0"));
  }

  /**
   * Run on each pooled read connection: a read can never write by mistake, and is planned as the
   * writer's statements are ({@link #PLANNING}: a listing's estimate grows with the table too).
   */
  @Override
  String readOnly() {
    return "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; " + String.join("; ", PLANNING);
  }

  /**
   * The driver sends BEGIN with each transaction's first statement: one round trip fewer per batch
   * than a BEGIN of our own.
   */
  @Override
  boolean driverTransactions() {
    return true;
  }

  static final class PostgresTaskSql extends TaskSql {
    /**
     * One statement. Candidates come from the first rows of each thing the claimer may take, each a
     * range of its own index in claim order (V11, V12): tasks assigned to the agent, to its role,
     * unassigned of any type, unassigned of each listed type (a LATERAL range per type). Each range
     * locks what it reads, skipping rows another daemon's claim holds; the best candidates up to
     * the limit are flipped under fresh tokens. So a claim reads O(limit × kinds) rows however many
     * tasks are queued for others or of other types. Scalar subqueries of {@code p}, not a join
     * with it: they are evaluated once, so a range that does not apply is skipped whole and the
     * others are index conditions. The token is the first 10 hex digits of a version-4 UUID from
     * {@code gen_random_uuid} (PostgreSQL 13+, the server's strong random source): 40 random bits,
     * as on SQLite.
     */
    @Override
    String claim(String typeFilter) {
      String filter =
          switch (typeFilter) {
            case "" -> "";
            case CLAIM_EXCLUDING ->
                " AND t.type NOT IN (SELECT jsonb_array_elements_text(excluded) FROM p)";
            case CLAIM_OF_TYPE -> " AND t.type = (SELECT only_type FROM p)";
            default -> throw new IllegalArgumentException(typeFilter);
          };
      String due = " WHERE t.status = 'queued' AND t.run_at <= (SELECT now FROM p)";
      String limit = " LIMIT (SELECT lim FROM p) FOR UPDATE OF t SKIP LOCKED)";
      String order = " ORDER BY t.priority DESC, t.id" + limit;
      // The same order, spelled as only tasks_claim_typed delivers it (V12): the planner cannot
      // then read tasks_claim_any, filtering by type, past every task of another type.
      String typedOrder = " ORDER BY t.priority::bigint DESC, t.id" + limit;
      String unassigned =
          typeFilter.equals(CLAIM_OF_TYPE)
              ? ", unassigned AS (SELECT t.id, t.priority FROM tasks t"
                  + due
                  + " AND t.assigned_to IS NULL"
                  + filter
                  + " AND ((SELECT types FROM p) IS NULL OR (SELECT only_type FROM p) IN"
                  + " (SELECT jsonb_array_elements_text(types) FROM p))"
                  + typedOrder
              : ", unassigned AS (SELECT t.id, t.priority FROM tasks t"
                  + due
                  + " AND t.assigned_to IS NULL AND (SELECT types FROM p) IS NULL"
                  + filter
                  + order
                  + ", typed AS (SELECT c.id, c.priority FROM p,"
                  + " jsonb_array_elements_text(p.types) AS ty(type),"
                  + " LATERAL (SELECT t.id, t.priority FROM tasks t"
                  + due
                  + " AND t.assigned_to IS NULL AND t.type = ty.type"
                  + filter
                  + typedOrder
                  + " AS c)";
      return "WITH p AS (SELECT ?::text AS agent, ?::bigint AS lease_until, ?::bigint AS now,"
          + " ?::jsonb AS types, ?::integer AS lim, ?::text AS role, ?::bigint AS lease_ms"
          + switch (typeFilter) {
            case "" -> "";
            case CLAIM_EXCLUDING -> ", ?::jsonb AS excluded";
            case CLAIM_OF_TYPE -> ", ?::text AS only_type";
            default -> throw new IllegalArgumentException(typeFilter);
          }
          + "), mine AS (SELECT t.id, t.priority FROM tasks t"
          + due
          + " AND t.assigned_to IS NOT NULL AND t.assigned_to = (SELECT agent FROM p)"
          + filter
          + order
          + ", of_role AS (SELECT t.id, t.priority FROM tasks t"
          + due
          + " AND t.assigned_to IS NOT NULL AND t.assigned_to = (SELECT role FROM p)"
          + filter
          + order
          + unassigned
          + ", picked AS (SELECT id FROM (SELECT * FROM mine UNION ALL SELECT * FROM of_role"
          + " UNION ALL SELECT * FROM unassigned"
          + (typeFilter.equals(CLAIM_OF_TYPE) ? "" : " UNION ALL SELECT * FROM typed")
          + ") AS c ORDER BY priority DESC, id LIMIT (SELECT lim FROM p))"
          + " UPDATE tasks SET status = 'running', lease_owner = p.agent,"
          + " lease_expires_at = p.lease_until, attempts = tasks.attempts + 1,"
          + " started_at = p.now, lease_ms = p.lease_ms,"
          + " claim_token = left(replace(gen_random_uuid()::text, '-', ''), 10)"
          + " FROM p WHERE tasks.id IN (SELECT id FROM picked) AND tasks.status = 'queued'"
          + " RETURNING tasks.*";
    }

    @Override
    String renewLeasesById() {
      return "UPDATE tasks SET lease_expires_at = ? + COALESCE(lease_ms, ?)"
          + " WHERE status = 'running' AND lease_owner = ?"
          + " AND id IN (SELECT jsonb_array_elements_text(?::jsonb))";
    }

    @Override
    boolean setBased() {
      return true;
    }

    /** ORDER BY the ordinality: of two rows with one idempotency key, the first submitted wins. */
    @Override
    String insertTasks() {
      return "INSERT INTO tasks (id, type, description, data, status, priority, assigned_to,"
          + " created_by, run_at, attempts, max_attempts, budget, timeout_ms, idempotency_key,"
          + " created_at, waiting_for)"
          + " SELECT r.id, r.type, r.description, r.data, r.status, r.priority, r.assigned_to,"
          + " r.created_by, r.run_at, 0, r.max_attempts, r.max_attempts, r.timeout_ms,"
          + " r.idempotency_key, r.created_at, r.waiting_for"
          + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[],"
          + " ?::text[], ?::text[], ?::bigint[], ?::integer[], ?::bigint[], ?::text[], ?::bigint[],"
          + " ?::text[]) WITH ORDINALITY AS r(id, type, description, data, status, priority,"
          + " assigned_to, created_by, run_at, max_attempts, timeout_ms, idempotency_key,"
          + " created_at, waiting_for, ord)"
          + " ORDER BY r.ord ON CONFLICT DO NOTHING RETURNING id";
    }

    @Override
    String tasksByIds() {
      return "SELECT * FROM tasks WHERE id = ANY(?::text[])";
    }

    @Override
    String tasksByIdempotencyKeys() {
      return "SELECT * FROM tasks WHERE idempotency_key = ANY(?::text[])";
    }

    @Override
    String completeMany() {
      return "UPDATE tasks SET status = 'succeeded', result = r.result, error = NULL,"
          + " finished_at = r.now, lease_owner = NULL, lease_expires_at = NULL, claim_token = NULL"
          + " FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::integer[])"
          + " AS r(id, result, now, owner, attempt)"
          + " WHERE tasks.id = r.id AND tasks.status = 'running' AND tasks.lease_owner = r.owner"
          + " AND tasks.attempts = r.attempt RETURNING tasks.id";
    }

    @Override
    String insertRuns() {
      return "INSERT INTO task_runs (task_id, attempt, worker, started_at, finished_at, outcome,"
          + " result, error_message, error_kind)"
          + " SELECT * FROM unnest(?::text[], ?::integer[], ?::text[], ?::bigint[], ?::bigint[],"
          + " ?::text[], ?::text[], ?::text[], ?::text[])";
    }

    @Override
    String renewLeases() {
      return "UPDATE tasks SET lease_expires_at = r.now + COALESCE(tasks.lease_ms, r.default_ms)"
          + " FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])"
          + " AS r(id, owner, now, default_ms)"
          + " WHERE tasks.id = r.id AND tasks.status = 'running' AND tasks.lease_owner = r.owner"
          + " RETURNING tasks.*";
    }
  }

  /**
   * Readers follow the event log by seq ({@code seq > cursor}), so an event must never become
   * visible after one with a higher seq: a reader past it would skip it for good. A sequence hands
   * numbers out in call order but transactions of several daemons commit in any order, so an insert
   * first takes a transaction-scoped advisory lock (per schema): the next daemon's insert draws its
   * number only after this transaction has committed. One daemon's writer already commits in order;
   * the lock orders daemons.
   */
  static final class PostgresEventSql extends EventSql {
    @Override
    String insert() {
      return "WITH ordered AS (SELECT pg_advisory_xact_lock(hashtext('coordd.events.' ||"
          + " current_schema())))"
          + " INSERT INTO events (topic, data, source, created_at, rules_pending)"
          + " SELECT ?, ?, ?, ?, ? FROM ordered RETURNING seq";
    }
  }

  /** Lock acquisitions of all daemons take turns (per schema) until each commits. */
  static final class PostgresLockSql extends LockSql {
    @Override
    String serialize() {
      return "SELECT pg_advisory_xact_lock(hashtext('coordd.locks.' || current_schema()))";
    }
  }

  static final class PostgresAgentSql extends AgentSql {
    @Override
    String heartbeatMany() {
      return "UPDATE agents SET last_heartbeat = r.now, signed_off = FALSE"
          + " FROM unnest(?::text[], ?::bigint[]) AS r(name, now) WHERE agents.name = r.name";
    }

    /** Containment, not the {@code ?} operator: JDBC would read that as a parameter. */
    @Override
    String countCapableAgents() {
      return "SELECT COUNT(*) FROM agents WHERE capabilities::jsonb @> jsonb_build_array(?::text)"
          + " AND signed_off = FALSE";
    }
  }
}
