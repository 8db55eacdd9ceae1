package dev.coordd.daemon.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * All the SQL coordd runs, for one database. The statements are split by area into statement sets
 * ({@link TaskSql}, {@link AgentSql}, {@link QueueSql}, {@link EventSql}, {@link LockSql}, {@link
 * ScheduleSql}), each a class of standard SQL that a database overrides only where it differs
 * (SQLite's overrides all sit in {@link SqliteDialect}). One class per area keeps each readable;
 * one override file per database keeps "what is special about this database" in one place.
 *
 * <p>This class holds what is not a statement of an area: transaction control, how errors are told
 * apart, the schema-version bookkeeping of the {@link Migrator} and the migration files.
 */
public abstract class SqlDialect {
  /** SQLState of a serialization failure (standard) and of a deadlock (PostgreSQL). */
  private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");

  private final TaskSql tasks;
  private final AgentSql agents;
  private final QueueSql queues;
  private final EventSql events;
  private final LockSql locks;
  private final ScheduleSql schedules;
  private final InvocationSql invocations = new InvocationSql();

  SqlDialect(
      TaskSql tasks,
      AgentSql agents,
      QueueSql queues,
      EventSql events,
      LockSql locks,
      ScheduleSql schedules) {
    this.tasks = tasks;
    this.agents = agents;
    this.queues = queues;
    this.events = events;
    this.locks = locks;
    this.schedules = schedules;
  }

  TaskSql tasks() {
    return tasks;
  }

  AgentSql agents() {
    return agents;
  }

  QueueSql queues() {
    return queues;
  }

  EventSql events() {
    return events;
  }

  LockSql locks() {
    return locks;
  }

  ScheduleSql schedules() {
    return schedules;
  }

  /** Standard SQL on both databases; only a cluster (PostgreSQL) uses the table. */
  InvocationSql invocations() {
    return invocations;
  }

  /** Resource folder of the migration files, e.g. {@code /db/sqlite}. */
  abstract String migrationFolder();

  /** The migration file names in the order they apply. */
  abstract List<String> migrations();

  /** Settings of the writer connection, run once when it opens. */
  abstract void configure(Connection c) throws SQLException;

  /** Run on each pooled read connection when it opens: makes it refuse writes. */
  abstract String readOnly();

  /**
   * A statement that waits until no other daemon migrates this store, held until {@link
   * #migrationUnlock}; null where one process owns the store (SQLite: the home lock).
   */
  String migrationLock() {
    return null;
  }

  String migrationUnlock() {
    return null;
  }

  /**
   * True when the database gives the pages of deleted rows back to the file system on {@link
   * #reclaimSpace}; false when it only reuses them (an SQLite file created before incremental
   * auto-vacuum). Databases that manage their own space say true.
   */
  boolean givesSpaceBack(Tx tx) throws SQLException {
    return true;
  }

  /** Free pages in the file that {@link #reclaimSpace} could give back; 0 where not known. */
  long freePages(Tx tx) throws SQLException {
    return 0;
  }

  /** Gives up to {@code pages} free pages back, inside the writer's transaction; default no-op. */
  void reclaimSpace(Tx tx, int pages) throws SQLException {}

  /**
   * True when the writer leaves transactions to the JDBC driver (auto-commit off, {@code
   * Connection.commit}); false when it sends {@link #begin}, {@link #commit} and {@link #rollback}
   * itself in auto-commit mode.
   */
  boolean driverTransactions() {
    return false;
  }

  /** Opens a batch's transaction. */
  String begin() {
    return "BEGIN";
  }

  String commit() {
    return "COMMIT";
  }

  String rollback() {
    return "ROLLBACK";
  }

  /**
   * True when the error says "try the same transaction again": another transaction got in the way,
   * nothing is wrong with the operations themselves. The writer rolls back and reruns the batch.
   */
  boolean retryable(SQLException e) {
    return e.getSQLState() != null && RETRYABLE_STATES.contains(e.getSQLState());
  }

  /**
   * True when the error says the connection is gone (SQLState class 08): the writer opens a new
   * one, where the store can (see {@link StoreWriter}).
   */
  boolean connectionLost(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  String createSchemaVersion() {
    return "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
        + " name VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)";
  }

  String schemaVersion() {
    return "SELECT COALESCE(MAX(version), 0) FROM schema_version";
  }

  /** The SHA-256 of each applied migration file, beside {@code schema_version}. */
  String createSchemaChecksums() {
    return "CREATE TABLE IF NOT EXISTS schema_checksums (version INTEGER PRIMARY KEY,"
        + " checksum VARCHAR(64) NOT NULL)";
  }

  String schemaChecksums() {
    return "SELECT version, checksum FROM schema_checksums";
  }

  /** Parameters: version, checksum. */
  String insertSchemaChecksum() {
    return "INSERT INTO schema_checksums (version, checksum) VALUES (?, ?)";
  }

  /** Parameters: version, name, applied_at. */
  String insertSchemaVersion() {
    return "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)";
  }
}
