package dev.coordd.daemon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.metrics.TaskMetrics;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.TaskOutcomes;
import dev.coordd.daemon.store.TaskWaits;
import dev.coordd.daemon.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Records how an attempt ended, whoever ended it: a daemon worker, an external agent, the reaper, a
 * timeout, a shutdown. Decides retry versus failure, applies backoff, and after the commit wakes
 * whoever waits for the change through the {@link Notifier}. Thread-safe.
 */
public final class Outcomes {
  private final Store store;
  private final TaskOutcomes taskOutcomes;
  private final TaskWaits waits;
  private final Backoff backoff;
  private final Clock clock;
  private final Notifier notifier;
  private final Queues queues;
  private final TaskMetrics metrics;

  Outcomes(
      Store store,
      TaskOutcomes taskOutcomes,
      TaskWaits waits,
      Backoff backoff,
      Clock clock,
      Notifier notifier,
      Queues queues,
      TaskMetrics metrics) {
    this.store = store;
    this.taskOutcomes = taskOutcomes;
    this.waits = waits;
    this.backoff = backoff;
    this.clock = clock;
    this.notifier = notifier;
    this.queues = queues;
    this.metrics = metrics;
  }

  /**
   * Records a success without waiting for the commit: the future completes after it, and after
   * {@link #after} ran (on the writer's acknowledging thread, so nothing here may wait for a
   * write). Its value is null when the attempt had already lost the task (lease expired,
   * cancelled).
   */
  public CompletableFuture<Task> succeedLater(Task running, JsonNode result, String resultJson) {
    long now = clock.millis();
    return store
        .writer()
        // of the same kind as an agent's completion: the writer runs adjacent ones together
        .submit(taskOutcomes.completing(running, resultJson, now))
        .thenApply(
            done -> done != null ? after(TaskOutcomes.succeeded(running, result, now)) : null);
  }

  /** {@link #fail} without waiting for the commit, like {@link #succeedLater}. */
  public CompletableFuture<Task> failLater(
      Task running, String message, String kind, boolean permanent) {
    long now = clock.millis();
    return store
        .writer()
        .submit(tx -> failInTx(tx, running, message, kind, permanent, now))
        .thenApply(this::after);
  }

  public Task fail(Task running, String message, String kind, boolean permanent) {
    long now = clock.millis();
    return after(
        store.writer().execute(tx -> failInTx(tx, running, message, kind, permanent, now)));
  }

  /** The failure step alone, for operations that do more in the same transaction. */
  public Task failInTx(
      Tx tx, Task running, String message, String kind, boolean permanent, long now)
      throws SQLException {
    boolean retry = !permanent && running.attempts() < running.maxAttempts();
    long retryAt = now + backoff.delayMillis(running.attempts());
    TaskError error = new TaskError(message, kind, running.attempts());
    return taskOutcomes.endAttempt(tx, running, error, retry, retryAt, now);
  }

  /** Parks a running attempt in {@code waiting}; null if it had already lost the task. */
  public Task park(Task running, String waitingFor, long until) {
    return after(store.writer().execute(tx -> waits.park(tx, running, waitingFor, until)));
  }

  /** Back to the queue without spending the attempt (graceful shutdown). */
  public Task requeue(Task running, String message, String kind) {
    long now = clock.millis();
    TaskError reason = new TaskError(message, kind, running.attempts());
    return after(
        store.writer().execute(tx -> taskOutcomes.requeueUncounted(tx, running, reason, now)));
  }

  /**
   * Post-commit notification for a task whose state just changed: finished (its waiters and its
   * dependents), or available again (the daemon's workers and claimers waiting for work). The clock
   * is read after the commit, so a retry whose backoff has not run out is not called available (the
   * housekeeper announces it when it comes due). A task of a capped type that is no longer running
   * frees a slot under the cap, which may let a claimer of that type take a task held back.
   */
  public Task after(Task changed) {
    if (changed != null) {
      metrics.changed(changed);
      notifier.publish(Change.of(changed, clock.millis()));
      if (changed.status() != TaskStatus.RUNNING && queues.capped(changed.type())) {
        notifier.publish(new Change.CapacityFreed(changed.type()));
      }
    }
    return changed;
  }
}
