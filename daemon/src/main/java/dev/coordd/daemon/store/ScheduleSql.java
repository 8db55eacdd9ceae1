package dev.coordd.daemon.store;

/** Schedule statements in standard SQL. */
class ScheduleSql {
  String insert() {
    return "INSERT INTO schedules (name, cron, every_ms, zone, task, misfire, paused, next_run_at,"
        + " last_run_at, last_task_id, source, created_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (name) DO NOTHING RETURNING *";
  }

  String replace() {
    return "UPDATE schedules SET cron = ?, every_ms = ?, zone = ?, task = ?, misfire = ?,"
        + " paused = ?, next_run_at = ?, last_run_at = ?, last_task_id = ?, source = ?,"
        + " created_at = ? WHERE name = ? RETURNING *";
  }

  String byName() {
    return "SELECT * FROM schedules WHERE name = ?";
  }

  String all() {
    return "SELECT * FROM schedules ORDER BY name";
  }

  /** Parameters: now. */
  String due() {
    return "SELECT * FROM schedules WHERE paused = FALSE AND next_run_at <= ?"
        + " ORDER BY next_run_at, name";
  }

  String delete() {
    return "DELETE FROM schedules WHERE name = ?";
  }

  String setPaused() {
    return "UPDATE schedules SET paused = ?, next_run_at = ? WHERE name = ? RETURNING *";
  }

  /** Parameters: next, last run, last task, last error, name, expected next. */
  String advance() {
    return "UPDATE schedules SET next_run_at = ?, last_run_at = COALESCE(?, last_run_at),"
        + " last_task_id = COALESCE(?, last_task_id), last_error = ?"
        + " WHERE name = ? AND paused = FALSE AND next_run_at = ?";
  }

  String lastError() {
    return "SELECT last_error FROM schedules WHERE name = ?";
  }
}
