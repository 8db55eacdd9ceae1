package dev.coordd.daemon.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.Agent;
import dev.coordd.api.ConflictException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.notify.ClaimWait;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.Batched;
import dev.coordd.daemon.store.StoreWriter;
import dev.coordd.daemon.store.TaskLeases;
import dev.coordd.daemon.store.TaskOutcomes;
import dev.coordd.daemon.store.Tx;
import dev.coordd.internal.Json;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The worker's side of a task: claim work (waiting for some if asked), then complete it, fail it or
 * renew its lease. Only the lease holder may finish or renew a task, and doing so counts as its
 * heartbeat. Thread-safe: it holds only final references, each step is one store operation, and a
 * waiting claim blocks only its caller's thread.
 */
final class TaskWork {
  static final int MAX_CLAIM = 1_000;

  private final Engine engine;
  private final DaemonConfig config;
  private final Clock clock;
  private final TaskLeases leases;
  private final TaskOutcomes taskOutcomes;
  private final TaskReader reader;
  private final PayloadLimit payloads;
  private final BooleanSupplier running;

  TaskWork(Engine engine, TaskReader reader, PayloadLimit payloads, BooleanSupplier running) {
    this.engine = engine;
    this.config = engine.config();
    this.clock = engine.clock();
    this.leases = engine.taskLeases();
    this.taskOutcomes = engine.taskOutcomes();
    this.reader = reader;
    this.payloads = payloads;
    this.running = running;
  }

  List<Task> claim(String agent, List<String> types, int max, long waitMs, Long leaseMs) {
    String name = Rules.name("agent", agent);
    int n = Rules.range("max", max, 1, 1, MAX_CLAIM);
    if (waitMs < 0) {
      throw new InvalidRequestException("waitMs", "waitMs must be zero or positive");
    }
    checkLease(leaseMs);
    List<String> wanted = types == null ? List.of() : types;
    wanted.forEach(t -> Rules.name("types", t));
    String typesJson = wanted.isEmpty() ? null : Json.write(wanted);
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    // Registered before the first claim, so a task queued between that claim and the wait is
    // handed to us. Only a hand-off (a task this agent can take) makes the claim run again; a wait
    // that runs out returns empty without touching the store.
    try (ClaimWait wait = engine.notifier().awaitClaimable(name, wanted, n)) {
      while (true) {
        if (!running.getAsBoolean()
            || engine.notifier().stopping()
            || Thread.currentThread().isInterrupted()) {
          return List.of(); // stopping, or the caller hung up: claim nothing nobody will run
        }
        wait.beforeClaim();
        List<Task> claimed = claimNow(name, typesJson, n, leaseMs);
        if (Thread.currentThread().isInterrupted()) {
          // what it took goes back and is announced again; what it was handed and left behind, if
          // it was full, is handed on as it leaves
          wait.afterClaim(List.of(), claimed.size() >= n);
          claimed.forEach(
              t ->
                  engine
                      .outcomes()
                      .requeue(t, "the claimer hung up before it got the task", "abandoned"));
          return List.of();
        }
        wait.afterClaim(claimed.stream().map(Task::id).toList(), claimed.size() >= n);
        if (!claimed.isEmpty()) {
          return claimed;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        try {
          if (left <= 0 || !wait.await(left)) {
            return List.of();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
      }
    }
  }

  private static void checkLease(Long leaseMs) {
    if (leaseMs != null && (leaseMs <= 0 || leaseMs > DaemonConfig.MAX_LEASE.toMillis())) {
      throw new InvalidRequestException(
          "leaseMs",
          "lease must be from 1ms to 24h, got "
              + Durations.format(Duration.ofMillis(leaseMs))
              + "; for longer work ask for at most 24h and renew it (or beat)");
    }
  }

  private List<Task> claimNow(String name, String typesJson, int n, Long leaseMs) {
    long now = clock.millis();
    String newId = engine.ids().next();
    String role = Agent.roleOf(name);
    long began = System.nanoTime(); // real time for the metric; leases use the clock
    List<Task> claimed =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  engine.agents().touch(tx, newId, name, now);
                  long lease =
                      leaseMs != null
                          ? leaseMs
                          : config.leaseFor(engine.agents().get(tx, name, now).kind()).toMillis();
                  return leases.claim(tx, name, role, typesJson, now, lease, n);
                });
    engine.metrics().tasks().claimTime(false, System.nanoTime() - began);
    engine.metrics().tasks().claimed(claimed);
    return claimed;
  }

  /** A checked completion, ready to write: its store operation and what to report after. */
  record PreparedCompletion(Batched<Task> op, JsonNode result, long now) {}

  Task complete(String id, String agent, String token, JsonNode result) {
    PreparedCompletion prepared = prepareCompletion(id, agent, token, result);
    return finishCompletion(prepared, StoreWriter.await(submitCompletion(prepared)));
  }

  /**
   * Checks the request on the caller's thread; the lease holder's check runs in the store
   * operation, against the task as its transaction reads it.
   */
  PreparedCompletion prepareCompletion(String id, String agent, String token, JsonNode result) {
    String taskId = Rules.id(id);
    String name = Rules.name("agent", agent);
    JsonNode value = result == null ? NullNode.getInstance() : result;
    String resultJson = Json.write(value);
    payloads.check("result", resultJson);
    long now = clock.millis();
    return new PreparedCompletion(
        taskOutcomes.completing(taskId, name, t -> held(t, taskId, name, token), resultJson, now),
        value,
        now);
  }

  /** Queues the completion without waiting: a batch's all queue before any is waited for. */
  CompletableFuture<Task> submitCompletion(PreparedCompletion prepared) {
    return engine.store().writer().submit(prepared.op());
  }

  /** After the commit: the succeeded task, told to the engine (null as the store returned it). */
  Task finishCompletion(PreparedCompletion prepared, Task done) {
    return done == null
        ? null
        : engine.outcomes().after(TaskOutcomes.succeeded(done, prepared.result(), prepared.now()));
  }

  Task fail(String id, String agent, String token, String error) {
    String taskId = Rules.id(id);
    String name = Rules.name("agent", agent);
    if (error == null || error.isBlank()) {
      throw new InvalidRequestException("error", "error is required: say what went wrong");
    }
    String message = Rules.text("error", error, Rules.MAX_TEXT);
    long now = clock.millis();
    Task failed =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  Task current = heldBy(tx, taskId, name, token);
                  return engine.outcomes().failInTx(tx, current, message, "agent", false, now);
                });
    return engine.outcomes().after(failed);
  }

  Task renewLease(String id, String agent, String token) {
    String taskId = Rules.id(id);
    String name = Rules.name("agent", agent);
    long now = clock.millis();
    long defaultLease = config.leaseDuration().toMillis();
    return engine
        .store()
        .writer()
        .execute(
            leases.renewing(taskId, name, t -> held(t, taskId, name, token), now, defaultLease));
  }

  /**
   * The task, if {@code agent} holds its lease under {@code token}; otherwise a conflict that says
   * who does. The token tells apart two claims under one name (two sessions of one agent, or a
   * claim that lost its lease and got the task again): only the attempt's own claim may end it.
   * Working on a task is a sign of life, so it also records a heartbeat: a worker that renews,
   * completes or fails is never reaped as stale.
   */
  private Task heldBy(Tx tx, String id, String agent, String token) throws SQLException {
    engine.agents().heartbeat(tx, agent, clock.millis());
    Task t = reader.existing(tx, id);
    held(t, id, agent, token);
    return t;
  }

  /**
   * The check of {@link #heldBy} on the task as the transaction read it (null: no such task),
   * without the heartbeat: completions and renewals run it inside their batched operations, which
   * record the beat of those that pass.
   */
  private static void held(Task t, String id, String agent, String token) {
    if (t == null) {
      throw new NotFoundException("no task with id " + id);
    }
    if (t.status() != TaskStatus.RUNNING) {
      throw new ConflictException(
          "task "
              + id
              + " is "
              + t.status().wire()
              + ", not running; only a running task can be completed, failed or renewed");
    }
    if (!agent.equals(t.leaseOwner())) {
      throw new ConflictException(
          "task "
              + id
              + " is leased to "
              + t.leaseOwner()
              + ", not "
              + agent
              + ": attempt "
              + t.attempts()
              + " belongs to that claim (another session, or a worker that got the task after"
              + " a lease expired); complete or fail only the tasks your own claim returned");
    }
    ClaimTokens.check(t, token);
  }
}
