package dev.coordd.daemon.store;

import dev.coordd.api.NewTask;
import dev.coordd.api.Schedule;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Schedule statements, each a step inside a transaction the caller owns. The SQL is standard
 * (SQLite and PostgreSQL alike), so it lives here rather than in a dialect. Every change that a
 * firing round could race with is a compare-and-set on {@code next_run_at}, so two daemons (or a
 * round and a pause) never both move one schedule on. Stateless and thread-safe.
 */
public final class ScheduleStore {
  private static final String INSERT =
      "INSERT INTO schedules (name, cron, every_ms, zone, task, misfire, paused, next_run_at,"
          + " last_run_at, last_task_id, source, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (name) DO NOTHING RETURNING *";
  private static final String REPLACE =
      "UPDATE schedules SET cron = ?, every_ms = ?, zone = ?, task = ?, misfire = ?, paused = ?,"
          + " next_run_at = ?, last_run_at = ?, last_task_id = ?, source = ?, created_at = ?"
          + " WHERE name = ? RETURNING *";
  private static final String BY_NAME = "SELECT * FROM schedules WHERE name = ?";
  private static final String ALL = "SELECT * FROM schedules ORDER BY name";
  private static final String DUE =
      "SELECT * FROM schedules WHERE paused = 0 AND next_run_at <= ? ORDER BY next_run_at, name";
  private static final String DELETE = "DELETE FROM schedules WHERE name = ?";
  private static final String SET_PAUSED =
      "UPDATE schedules SET paused = ?, next_run_at = ? WHERE name = ? RETURNING *";
  private static final String ADVANCE =
      "UPDATE schedules SET next_run_at = ?, last_run_at = COALESCE(?, last_run_at),"
          + " last_task_id = COALESCE(?, last_task_id), last_error = ?"
          + " WHERE name = ? AND paused = 0 AND next_run_at = ?";
  private static final String LAST_ERROR = "SELECT last_error FROM schedules WHERE name = ?";

  /** Inserts a new schedule; null when the name is taken. */
  public Schedule insert(Tx tx, Schedule s) throws SQLException {
    return tx.queryOne(
        INSERT,
        ScheduleStore::schedule,
        s.name(),
        s.cron(),
        s.everyMs(),
        s.zone(),
        Json.write(s.task()),
        s.misfire(),
        s.paused() ? 1 : 0,
        s.nextRunAt(),
        s.lastRunAt(),
        s.lastTaskId(),
        s.source(),
        s.createdAt());
  }

  /** Overwrites every column of an existing schedule; null when there is none by that name. */
  public Schedule replace(Tx tx, Schedule s) throws SQLException {
    return tx.queryOne(
        REPLACE,
        ScheduleStore::schedule,
        s.cron(),
        s.everyMs(),
        s.zone(),
        Json.write(s.task()),
        s.misfire(),
        s.paused() ? 1 : 0,
        s.nextRunAt(),
        s.lastRunAt(),
        s.lastTaskId(),
        s.source(),
        s.createdAt(),
        s.name());
  }

  public Schedule get(Tx tx, String name) throws SQLException {
    return tx.queryOne(BY_NAME, ScheduleStore::schedule, name);
  }

  public List<Schedule> list(Tx tx) throws SQLException {
    return tx.query(ALL, ScheduleStore::schedule);
  }

  /** Unpaused schedules whose next run is at or before {@code now}, most overdue first. */
  public List<Schedule> due(Tx tx, long now) throws SQLException {
    return tx.query(DUE, ScheduleStore::schedule, now);
  }

  public boolean delete(Tx tx, String name) throws SQLException {
    return tx.update(DELETE, name) > 0;
  }

  /** Sets the pause flag and the next run (null while paused); null if no such schedule. */
  public Schedule setPaused(Tx tx, String name, boolean paused, Long nextRunAt)
      throws SQLException {
    return tx.queryOne(SET_PAUSED, ScheduleStore::schedule, paused ? 1 : 0, nextRunAt, name);
  }

  /**
   * Moves a schedule from the next run a firing round read ({@code expectedNext}) to {@code
   * nextRunAt}, recording the run (null {@code lastRunAt}/{@code lastTaskId} keep the previous
   * ones) and the error of this round (null clears it). A null {@code nextRunAt} parks it: it never
   * comes due until resumed. False when someone moved, paused or removed it meanwhile.
   */
  public boolean advance(
      Tx tx,
      String name,
      long expectedNext,
      Long nextRunAt,
      Long lastRunAt,
      String lastTaskId,
      String lastError)
      throws SQLException {
    return tx.update(ADVANCE, nextRunAt, lastRunAt, lastTaskId, lastError, name, expectedNext) > 0;
  }

  /** The error of the schedule's last firing round, or null (also when it has none). */
  public String lastError(Tx tx, String name) throws SQLException {
    return tx.queryOne(LAST_ERROR, rs -> rs.getString(1), name);
  }

  static Schedule schedule(ResultSet rs) throws SQLException {
    NewTask task;
    try {
      task = Json.MAPPER.readValue(rs.getString("task"), NewTask.class);
    } catch (IOException e) {
      throw new IllegalStateException(
          "stored task template of schedule " + rs.getString("name") + " is corrupt", e);
    }
    return new Schedule(
        rs.getString("name"),
        rs.getString("cron"),
        nullableLong(rs, "every_ms"),
        rs.getString("zone"),
        task,
        rs.getString("misfire"),
        rs.getInt("paused") != 0,
        nullableLong(rs, "next_run_at"),
        nullableLong(rs, "last_run_at"),
        rs.getString("last_task_id"),
        rs.getString("source"),
        rs.getLong("created_at"));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
