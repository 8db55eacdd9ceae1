package dev.coordd.daemon.service;

import dev.coordd.api.ConflictException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.invoke.InvocationQueue;
import dev.coordd.daemon.notify.TaskWait;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.TaskOutcomes;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What anyone may do to a task from outside its run: cancel it, retry it once it failed or was
 * cancelled, and wait for it to finish. Each change is one transaction; the engine hears of it
 * after the commit. Thread-safe: it holds only final references; a waiting {@link #await} blocks
 * only its caller's thread.
 */
final class TaskControl {
  private final Engine engine;
  private final TaskOutcomes taskOutcomes;
  private final TaskReader reader;
  private final InvocationQueue invocations;
  private final BooleanSupplier running;

  TaskControl(
      Engine engine, TaskReader reader, InvocationQueue invocations, BooleanSupplier running) {
    this.engine = engine;
    this.taskOutcomes = engine.taskOutcomes();
    this.reader = reader;
    this.invocations = invocations;
    this.running = running;
  }

  Task cancel(String id) {
    String taskId = Rules.id(id);
    long now = engine.clock().millis();
    Task cancelled =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  Task current = reader.existing(tx, taskId);
                  if (current.status().isTerminal()) {
                    throw new ConflictException(
                        "task "
                            + taskId
                            + " already "
                            + current.status().wire()
                            + "; nothing to cancel");
                  }
                  TaskError reason =
                      new TaskError("cancelled on request", "cancelled", current.attempts());
                  Task done = taskOutcomes.cancel(tx, current, reason, now);
                  if (done == null) {
                    throw new ConflictException(
                        "task " + taskId + " changed while cancelling; try again");
                  }
                  return done;
                });
    engine.dispatcher().cancelRunning(taskId);
    invocations.cancelled(cancelled);
    return engine.outcomes().after(cancelled);
  }

  Task retry(String id) {
    String taskId = Rules.id(id);
    long now = engine.clock().millis();
    Task retried =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  Task current = reader.existing(tx, taskId);
                  Task queued = taskOutcomes.retry(tx, taskId, now);
                  if (queued == null) {
                    throw new ConflictException(
                        "only failed or cancelled tasks can be retried; task "
                            + taskId
                            + " is "
                            + current.status().wire());
                  }
                  return queued;
                });
    if (retried.status() == TaskStatus.WAITING) {
      engine.dependencies().settle(); // release or fail it now, by its dependencies
      return reader.get(taskId);
    }
    return engine.outcomes().after(retried);
  }

  /**
   * The task once it is finished, or as it is when {@code timeoutMs} passes, the daemon stops or
   * the caller's thread is interrupted.
   */
  Task await(String id, long timeoutMs) {
    String taskId = reader.resolve(id);
    if (timeoutMs < 0) {
      throw new InvalidRequestException("timeoutMs", "timeoutMs must be zero or positive");
    }
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      try (TaskWait done = engine.notifier().awaitTask(taskId)) {
        Task t = reader.get(taskId);
        long left = until - System.nanoTime();
        if (t.status().isTerminal() || left <= 0 || !running.getAsBoolean()) {
          return t;
        }
        // Re-read at least every poll interval: another process may finish it (PostgreSQL).
        done.await(Math.min(left, engine.config().pollInterval().toNanos()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return reader.get(taskId);
      }
    }
  }
}
