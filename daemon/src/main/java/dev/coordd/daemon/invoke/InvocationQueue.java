package dev.coordd.daemon.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.CoorddException;
import dev.coordd.api.Invocation;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.handler.AwaitExternal;
import dev.coordd.daemon.notify.Change;
import dev.coordd.internal.Json;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links invocations (files, or rows of the shared store in a cluster) to their tasks: an {@code
 * invoke_agent} task with no runner parks in {@code waiting} on {@code invocation:<id>}; completing
 * or failing the invocation ends the task; an invocation nobody takes in time fails it. {@link
 * #reconcile()} also settles what {@code coordd check} finished while no daemon ran. Thread-safe.
 */
public final class InvocationQueue {
  public static final String WAIT_KIND = "invocation:";
  private static final Logger log = LoggerFactory.getLogger(InvocationQueue.class);

  private final Engine engine;
  private final InvocationStore files;
  private final Duration expiry;

  public InvocationQueue(Engine engine, InvocationStore files, Duration expiry) {
    this.engine = engine;
    this.files = files;
    this.expiry = expiry;
  }

  /** Where the invocations live: the home's files, or the shared store's table in a cluster. */
  public InvocationStore store() {
    return files;
  }

  /**
   * Queues the task's invocation (or finds the one a crashed attempt already wrote) and parks the
   * task on it.
   */
  public AwaitExternal enqueue(
      Task task, String agentType, String command, JsonNode context, Duration expiresIn) {
    Duration wait = expiresIn == null ? expiry : expiresIn;
    Optional<Invocation> open = files.openFor(task.id());
    Invocation inv =
        open.orElseGet(
            () ->
                files.create(
                    task.id(),
                    agentType,
                    command,
                    context,
                    engine.clock().millis() + wait.toMillis()));
    if (open.isEmpty()) {
      changed(inv);
    }
    long until = inv.expiresAt() == null ? Long.MAX_VALUE : inv.expiresAt();
    return new AwaitExternal(WAIT_KIND + inv.id(), until);
  }

  public Invocation complete(String id, JsonNode result) {
    Invocation done = files.complete(id, result);
    changed(done);
    settle(done);
    return done;
  }

  public Invocation fail(String id, String error) {
    Invocation done = files.fail(id, error);
    changed(done);
    settle(done);
    return done;
  }

  /**
   * Tells the live feeds (after the invocation's write, which is its own commit) that {@code inv}
   * moved; returns it.
   */
  public Invocation changed(Invocation inv) {
    engine.notifier().publish(new Change.InvocationChanged(inv.id(), inv.taskId(), inv.status()));
    return inv;
  }

  /** Ends the waiting task of an archived invocation; a task that moved on is left alone. */
  void settle(Invocation archived) {
    if (Invocation.PENDING.equals(archived.status())
        || Invocation.PROCESSING.equals(archived.status())) {
      // Finishing is a rename into the archive, then a rewrite with the outcome: caught between
      // the two, the outcome is not written yet. The finisher settles it (or the next round).
      return;
    }
    Task waiting = engine.store().read(tx -> engine.tasks().get(tx, archived.taskId()));
    if (waiting == null
        || waiting.status() != TaskStatus.WAITING
        || !(WAIT_KIND + archived.id()).equals(waiting.waitingFor())) {
      return; // cancelled, or already settled: nothing left to end
    }
    long now = engine.clock().millis();
    String worker = archived.takenBy() == null ? "agent" : archived.takenBy();
    TaskError error =
        switch (archived.status()) {
          case Invocation.COMPLETED -> null;
          case Invocation.EXPIRED -> new TaskError(archived.error(), "expired", waiting.attempts());
          default ->
              new TaskError(
                  archived.error() == null ? "the agent failed the invocation" : archived.error(),
                  "agent",
                  waiting.attempts());
        };
    String result = error == null ? Json.write(archived.result()) : null;
    engine
        .outcomes()
        .after(
            engine
                .store()
                .writer()
                .execute(
                    tx -> engine.taskWaits().endWait(tx, waiting, result, error, worker, now)));
  }

  /**
   * One round: settle tasks whose invocation was archived behind the daemon's back (coordd check
   * with no daemon), fail those whose invocation nobody took in time, and fail those whose
   * invocation file is gone. Completions through the daemon settle at once, so this full pass runs
   * only at start and then once per poll interval of clock time.
   *
   * <p>It reads every waiting task of the store, so it must see every invocation those tasks wait
   * on: with files (one machine) each daemon runs it on its own home; with a shared store (a
   * cluster) the leader alone runs it, on the table every machine writes to (see {@link
   * InvocationStore#shared}).
   */
  public void reconcile() {
    long now = engine.clock().millis();
    if (now < nextReconcile) {
      return;
    }
    nextReconcile = now + engine.config().pollInterval().toMillis();
    List<Task> waiting = engine.store().read(tx -> engine.taskWaits().waitingFor(tx, WAIT_KIND));
    for (Task t : waiting) {
      String id = t.waitingFor().substring(WAIT_KIND.length());
      try {
        reconcile(t, id, now);
      } catch (CoorddException e) {
        log.warn("could not reconcile invocation {} of task {}: {}", id, t.id(), e.getMessage());
      }
    }
  }

  private volatile long nextReconcile = Long.MIN_VALUE;

  private void reconcile(Task t, String id, long now) {
    Optional<Invocation> archived = files.archived(id);
    if (archived.isPresent()) {
      settle(archived.get());
      return;
    }
    String where = files.where(id);
    if (where == null) {
      // Deleted (or never written): nothing will ever finish it, so say so instead of waiting.
      endWithError(
          t,
          "invocation "
              + id
              + " is gone from "
              + files.location()
              + " (deleted before its task was settled); create the task again",
          "invocation_lost",
          now);
    } else if (Invocation.PENDING.equals(where) && t.waitUntil() != null && now >= t.waitUntil()) {
      // Only an invocation nobody took expires: one an agent is working on runs to its end.
      settle(
          changed(
              files.closePending(
                  id,
                  Invocation.EXPIRED,
                  "invocation "
                      + id
                      + " was not taken within "
                      + Durations.format(Duration.ofMillis(t.waitUntil() - t.startedAt()))
                      + " (invocationExpiry); no agent took it")));
    }
  }

  private void endWithError(Task waiting, String message, String kind, long now) {
    TaskError error = new TaskError(message, kind, waiting.attempts());
    engine
        .outcomes()
        .after(
            engine
                .store()
                .writer()
                .execute(
                    tx -> engine.taskWaits().endWait(tx, waiting, null, error, "daemon", now)));
  }

  /** The task was cancelled: archive its open invocation so no session picks it up. */
  public void cancelled(Task task) {
    if (task.waitingFor() == null || !task.waitingFor().startsWith(WAIT_KIND)) {
      return;
    }
    String id = task.waitingFor().substring(WAIT_KIND.length());
    try {
      changed(files.close(id, Invocation.CANCELLED, "its task was cancelled"));
    } catch (CoorddException e) {
      log.info("invocation {} of cancelled task {} was already closed", id, task.id());
    }
  }
}
