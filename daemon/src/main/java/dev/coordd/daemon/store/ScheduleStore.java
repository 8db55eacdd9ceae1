package dev.coordd.daemon.store;

import dev.coordd.api.NewTask;
import dev.coordd.api.Schedule;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Schedule steps, each inside a transaction the caller owns, with the SQL of the transaction's
 * dialect ({@link ScheduleSql}). Every change that a firing round could race with is a
 * compare-and-set on {@code next_run_at}, so two daemons (or a round and a pause) never both move
 * one schedule on. Stateless and thread-safe.
 */
public final class ScheduleStore {
  /** Inserts a new schedule; null when the name is taken. */
  public Schedule insert(Tx tx, Schedule s) throws SQLException {
    return tx.queryOne(
        tx.sql().schedules().insert(),
        ScheduleStore::schedule,
        s.name(),
        Tx.text(s.cron()),
        Tx.bigint(s.everyMs()),
        s.zone(),
        Json.write(s.task()),
        s.misfire(),
        s.paused(),
        Tx.bigint(s.nextRunAt()),
        Tx.bigint(s.lastRunAt()),
        Tx.text(s.lastTaskId()),
        s.source(),
        s.createdAt());
  }

  /** Overwrites every column of an existing schedule; null when there is none by that name. */
  public Schedule replace(Tx tx, Schedule s) throws SQLException {
    return tx.queryOne(
        tx.sql().schedules().replace(),
        ScheduleStore::schedule,
        Tx.text(s.cron()),
        Tx.bigint(s.everyMs()),
        s.zone(),
        Json.write(s.task()),
        s.misfire(),
        s.paused(),
        Tx.bigint(s.nextRunAt()),
        Tx.bigint(s.lastRunAt()),
        Tx.text(s.lastTaskId()),
        s.source(),
        s.createdAt(),
        s.name());
  }

  public Schedule get(Tx tx, String name) throws SQLException {
    return tx.queryOne(tx.sql().schedules().byName(), ScheduleStore::schedule, name);
  }

  public List<Schedule> list(Tx tx) throws SQLException {
    return tx.query(tx.sql().schedules().all(), ScheduleStore::schedule);
  }

  /** Unpaused schedules whose next run is at or before {@code now}, most overdue first. */
  public List<Schedule> due(Tx tx, long now) throws SQLException {
    return tx.query(tx.sql().schedules().due(), ScheduleStore::schedule, now);
  }

  public boolean delete(Tx tx, String name) throws SQLException {
    return tx.update(tx.sql().schedules().delete(), name) > 0;
  }

  /** Sets the pause flag and the next run (null while paused); null if no such schedule. */
  public Schedule setPaused(Tx tx, String name, boolean paused, Long nextRunAt)
      throws SQLException {
    return tx.queryOne(
        tx.sql().schedules().setPaused(),
        ScheduleStore::schedule,
        paused,
        Tx.bigint(nextRunAt),
        name);
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
    return tx.update(
            tx.sql().schedules().advance(),
            Tx.bigint(nextRunAt),
            Tx.bigint(lastRunAt),
            Tx.text(lastTaskId),
            Tx.text(lastError),
            name,
            expectedNext)
        > 0;
  }

  /** The error of the schedule's last firing round, or null (also when it has none). */
  public String lastError(Tx tx, String name) throws SQLException {
    return tx.queryOne(tx.sql().schedules().lastError(), rs -> rs.getString(1), name);
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
        rs.getBoolean("paused"),
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
