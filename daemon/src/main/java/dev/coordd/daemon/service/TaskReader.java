package dev.coordd.daemon.service;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.TaskStore;
import dev.coordd.daemon.store.Tx;
import java.sql.SQLException;
import java.util.List;

/**
 * Reading tasks: one by id (with its runs), a filtered list, and the lookup inside a transaction
 * that the changing operations start from. Thread-safe: it holds only final references and every
 * read is its own store operation.
 */
final class TaskReader {
  private final Engine engine;
  private final TaskStore tasks;

  TaskReader(Engine engine) {
    this.engine = engine;
    this.tasks = engine.tasks();
  }

  /** Prefix of a task named by its idempotency key, e.g. {@code key:nightly-2026-12-01}. */
  static final String KEY_PREFIX = "key:";

  /**
   * The id a caller means: the id itself, or the id of the task holding {@code key:KEY} (what
   * {@code coordd task create} prints for a task it queued in the inbox before it has an id).
   */
  String resolve(String idOrKey) {
    if (idOrKey == null || !idOrKey.startsWith(KEY_PREFIX)) {
      return Rules.id(idOrKey);
    }
    String key = idOrKey.substring(KEY_PREFIX.length());
    if (key.isEmpty()) {
      throw new InvalidRequestException("id", "key: needs the idempotency key after it");
    }
    Task t = engine.store().read(tx -> tasks.byIdempotencyKey(tx, key));
    if (t == null) {
      throw new NotFoundException(
          "no task with idempotency key '"
              + key
              + "' (yet: a task queued in the inbox gets its id when a running daemon picks the"
              + " file up; start one with coordd daemon --detach)");
    }
    return t.id();
  }

  Task get(String id) {
    String taskId = resolve(id);
    Task found =
        engine
            .store()
            .read(
                tx -> {
                  Task t = tasks.get(tx, taskId);
                  return t == null ? null : t.withRuns(tasks.runs(tx, taskId));
                });
    if (found == null) {
      throw new NotFoundException("no task with id " + taskId);
    }
    return found;
  }

  List<Task> list(TaskQuery query) {
    TaskQuery q = query == null ? TaskQuery.all() : query;
    q.effectiveLimit();
    q.effectiveBefore();
    return engine.store().read(tx -> tasks.list(tx, q));
  }

  /** The task as {@code tx} sees it, or not found: the start of every change to one task. */
  Task existing(Tx tx, String id) throws SQLException {
    Task t = tasks.get(tx, id);
    if (t == null) {
      throw new NotFoundException("no task with id " + id);
    }
    return t;
  }
}
