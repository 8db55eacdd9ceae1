package dev.coordd.daemon.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.engine.Dependencies;
import dev.coordd.daemon.engine.Dispatcher;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.StoreWriter;
import dev.coordd.daemon.store.TaskStore;
import dev.coordd.daemon.store.TaskWaits;
import dev.coordd.daemon.store.Tx;
import dev.coordd.internal.Json;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Creating a task: the same checks as every door's reader ({@link Rules}), the payload cap, a check
 * that someone can run it, then one transaction that inserts it (queued, or waiting on its
 * dependencies) and records its dependencies; a new task is announced to the engine after the
 * commit, a repeated idempotency key returns the existing one. Thread-safe: it holds only final
 * references, and each creation is one store operation.
 */
final class TaskCreation {
  private final Engine engine;
  private final DaemonConfig config;
  private final TaskStore tasks;
  private final TaskWaits waits;
  private final PayloadLimit payloads;
  private final CapableTypes capableTypes;

  TaskCreation(Engine engine, PayloadLimit payloads) {
    this.engine = engine;
    this.config = engine.config();
    this.tasks = engine.tasks();
    this.waits = engine.taskWaits();
    this.payloads = payloads;
    this.capableTypes =
        new CapableTypes(
            engine.clock(),
            type -> engine.store().read(tx -> engine.agents().anyCapable(tx, type)));
  }

  /** A checked request, ready to write: its row, its data as sent, and its dependencies. */
  record Prepared(TaskStore.NewRow row, JsonNode data, List<String> dependsOn) {}

  Task create(NewTask request) {
    Prepared prepared = prepare(request);
    TaskStore.NewRow row = prepared.row();
    Dispatcher.HandOff handOff =
        prepared.dependsOn().isEmpty() && row.runAt() <= row.createdAt()
            ? engine.dispatcher().handOff(row.type(), row.assignedTo())
            : null;
    if (handOff != null) {
      return createAndClaim(prepared, handOff);
    }
    return finish(prepared, StoreWriter.await(submit(prepared)));
  }

  private record CreatedAndClaimed(TaskStore.Inserted inserted, List<Task> claimed) {}

  /**
   * A ready task this daemon's workers can run while a slot is free: inserted and claimed in one
   * transaction, so its handler starts after one commit instead of two. Only single creates: a
   * batch is for throughput, where the inserts' coalescing counts and the workers are busy anyway.
   */
  private Task createAndClaim(Prepared prepared, Dispatcher.HandOff handOff) {
    CreatedAndClaimed done;
    try {
      done =
          StoreWriter.await(
              engine
                  .store()
                  .writer()
                  .submit(
                      tx -> {
                        TaskStore.Inserted inserted = tasks.insert(tx, prepared.row());
                        return new CreatedAndClaimed(
                            inserted, inserted.created() ? handOff.claimIn(tx) : List.of());
                      }));
    } catch (RuntimeException e) {
      handOff.abandoned();
      throw e;
    }
    handOff.started(done.claimed());
    String id = prepared.row().id();
    if (done.inserted().created() && done.claimed().stream().anyMatch(t -> t.id().equals(id))) {
      // Answered as created (queued), as any create: the claim's token is the workers' own.
      Task created = TaskStore.created(done.inserted().row(), prepared.data());
      engine.announceStarted(created);
      return created;
    }
    return finish(prepared, done.inserted());
  }

  /**
   * Checks the request and builds its row, on the caller's thread; nothing is written yet.
   *
   * @throws dev.coordd.api.CoorddException what is wrong with the request
   */
  Prepared prepare(NewTask request) {
    if (request == null) {
      throw new InvalidRequestException(null, "a task is required");
    }
    // Names, ranges and lengths: the same checks, and messages, as every door's reader.
    NewTask checked = Rules.task(null, request);
    String type = checked.type();
    JsonNode data =
        checked.data() == null || checked.data().isNull()
            ? Json.MAPPER.createObjectNode()
            : checked.data();
    String dataJson = Json.write(data);
    payloads.check("data", dataJson);
    String assignedTo = checked.assignedTo();
    int priority = checked.priority() == null ? 0 : checked.priority();
    int maxAttempts =
        checked.maxAttempts() == null ? config.defaultMaxAttempts() : checked.maxAttempts();
    Long timeout = checked.timeoutMs();
    long delay = checked.delayMs() == null ? 0 : checked.delayMs();
    String description = checked.description();
    String key = checked.idempotencyKey();
    String createdBy = checked.createdBy();
    routeable(type, assignedTo, data);

    List<String> dependsOn = checked.dependsOn() == null ? List.of() : checked.dependsOn();
    long now = engine.clock().millis();
    String id = engine.ids().next();
    TaskStore.NewRow row =
        new TaskStore.NewRow(
            id,
            type,
            description == null ? "" : description,
            dataJson,
            TaskStatus.QUEUED,
            priority,
            assignedTo,
            createdBy,
            now + delay,
            maxAttempts,
            timeout,
            key,
            now,
            null);
    return new Prepared(row, data, dependsOn);
  }

  /**
   * Queues the insert without waiting for it, so a batch's items all queue before any is waited for
   * and land in one or a few group commits.
   */
  CompletableFuture<TaskStore.Inserted> submit(Prepared prepared) {
    // A task without dependencies is ready, and its insert coalesces with the other creates of
    // its group commit (TaskStore#inserting).
    return prepared.dependsOn().isEmpty()
        ? engine.store().writer().submit(tasks.inserting(prepared.row()))
        : insertWithDependencies(prepared.dependsOn(), prepared.row());
  }

  /**
   * After the commit: the task created, announced to the engine; or the one that already held the
   * idempotency key.
   */
  Task finish(Prepared prepared, TaskStore.Inserted inserted) {
    if (!inserted.created()) {
      return inserted.existing();
    }
    Task created = TaskStore.created(inserted.row(), prepared.data());
    engine.announce(created);
    return created;
  }

  /**
   * A task with dependencies: checked, inserted (queued if they all succeeded already, otherwise
   * waiting) and linked to them in one operation.
   */
  private CompletableFuture<TaskStore.Inserted> insertWithDependencies(
      List<String> dependsOn, TaskStore.NewRow row) {
    return engine
        .store()
        .writer()
        .submit(
            tx -> {
              TaskStore.NewRow ready =
                  dependenciesMet(tx, dependsOn) ? row : row.waiting(Dependencies.WAIT_KIND);
              TaskStore.Inserted result = tasks.insert(tx, ready);
              if (result.created()) {
                for (String upstream : dependsOn) {
                  waits.addDependency(tx, row.id(), upstream);
                }
              }
              return result;
            });
  }

  /**
   * True when every dependency already succeeded. A dependency must exist already, so a task can
   * never depend on itself or on anything created after it: dependencies cannot form a cycle.
   */
  private boolean dependenciesMet(Tx tx, List<String> dependsOn) throws SQLException {
    boolean met = true;
    for (String upstream : dependsOn) {
      Task t = tasks.get(tx, upstream);
      if (t == null) {
        throw new InvalidRequestException(
            "dependsOn",
            "dependsOn: no task with id "
                + upstream
                + "; a task can only depend on tasks that already exist");
      }
      if (t.status() == TaskStatus.FAILED || t.status() == TaskStatus.CANCELLED) {
        throw new InvalidRequestException(
            "dependsOn",
            "dependsOn: task "
                + upstream
                + " already "
                + t.status().wire()
                + "; retry it first (coordd task retry "
                + upstream
                + ")");
      }
      met &= t.status() == TaskStatus.SUCCEEDED;
    }
    return met;
  }

  /** Someone must be able to run the task, or it would sit in the queue forever. */
  private void routeable(String type, String assignedTo, JsonNode data) {
    if (engine.handlers().handles(type)) {
      engine.handlers().validate(type, data);
      return;
    }
    if (assignedTo != null) {
      return;
    }
    if (!capableTypes.capable(type)) {
      throw new InvalidRequestException(
          "type",
          "no handler for task type '"
              + type
              + "' and no agent lists it as a capability; assign the task to an agent (assignedTo),"
              + " register an agent with that capability, or use one of: "
              + engine.handlers().types());
    }
  }
}
