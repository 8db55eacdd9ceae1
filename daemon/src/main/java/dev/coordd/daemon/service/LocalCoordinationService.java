package dev.coordd.daemon.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Invocation;
import dev.coordd.api.Lock;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.QueueState;
import dev.coordd.api.Schedule;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Stats;
import dev.coordd.api.Subscription;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.engine.Dependencies;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.events.Events;
import dev.coordd.daemon.invoke.InvocationFiles;
import dev.coordd.daemon.invoke.InvocationQueue;
import dev.coordd.daemon.locks.Locks;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Channel;
import dev.coordd.daemon.notify.TaskWait;
import dev.coordd.daemon.schedules.Scheduler;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.TaskStore;
import dev.coordd.daemon.store.Tx;
import dev.coordd.internal.Json;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The daemon's implementation of the API: checks each request, turns it into one store operation
 * (one transaction, group-committed with others), then notifies the engine. Thread-safe.
 */
public final class LocalCoordinationService implements CoordinationService {
  static final int MAX_CLAIM = 1_000;

  private final Engine engine;
  private final DaemonConfig config;
  private final Clock clock;
  private final TaskStore tasks;
  private final long startedAt;
  private final BooleanSupplier running;
  private final InvocationQueue invocations;
  private final Events events;
  private final Locks locks;
  private final Scheduler scheduler;

  public LocalCoordinationService(
      Engine engine, InvocationQueue invocations, BooleanSupplier running) {
    this.engine = engine;
    this.invocations = invocations;
    // Rules and schedules create tasks through this service, so they are checked like any other;
    // the references are only called once the daemon runs, after construction.
    this.events =
        new Events(
            engine,
            engine.config().eventRetention(),
            engine.config().eventRules(),
            this::createTask);
    this.locks = new Locks(engine);
    this.scheduler = new Scheduler(engine, engine.config().schedules(), this::createTask);
    this.config = engine.config();
    this.clock = engine.clock();
    this.tasks = engine.tasks();
    this.startedAt = clock.millis();
    this.running = running;
  }

  @Override
  public Task createTask(NewTask request) {
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
    checkSize("data", dataJson);
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
    long now = clock.millis();
    String id = engine.ids().next();
    TaskStore.Inserted inserted =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  boolean ready = dependenciesMet(tx, dependsOn);
                  TaskStore.NewRow row =
                      new TaskStore.NewRow(
                          id,
                          type,
                          description == null ? "" : description,
                          dataJson,
                          ready ? TaskStatus.QUEUED : TaskStatus.WAITING,
                          priority,
                          assignedTo,
                          createdBy,
                          now + delay,
                          maxAttempts,
                          timeout,
                          key,
                          now,
                          ready ? null : Dependencies.WAIT_KIND);
                  TaskStore.Inserted result = tasks.insert(tx, row);
                  if (result.created()) {
                    for (String upstream : dependsOn) {
                      tasks.addDependency(tx, id, upstream);
                    }
                  }
                  return result;
                });
    if (!inserted.created()) {
      return inserted.existing();
    }
    Task created = TaskStore.created(inserted.row(), data);
    engine.announce(created);
    return created;
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
    boolean capable = engine.store().read(tx -> engine.agents().anyCapable(tx, type));
    if (!capable) {
      throw new InvalidRequestException(
          "type",
          "no handler for task type '"
              + type
              + "' and no agent lists it as a capability; assign the task to an agent (assignedTo),"
              + " register an agent with that capability, or use one of: "
              + engine.handlers().types());
    }
  }

  private void checkSize(String field, String json) {
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > config.maxPayloadBytes()) {
      throw new InvalidRequestException(
          field,
          field
              + " is "
              + size
              + " bytes; the limit is "
              + config.maxPayloadBytes()
              + " (maxPayloadBytes)");
    }
  }

  @Override
  public Task getTask(String id) {
    String taskId = Rules.id(id);
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

  @Override
  public List<Task> listTasks(TaskQuery query) {
    TaskQuery q = query == null ? TaskQuery.all() : query;
    q.effectiveLimit();
    return engine.store().read(tx -> tasks.list(tx, q));
  }

  @Override
  public Task cancelTask(String id) {
    String taskId = Rules.id(id);
    long now = clock.millis();
    Task cancelled =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  Task current = existing(tx, taskId);
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
                  Task done = tasks.cancel(tx, current, reason, now);
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

  @Override
  public Task retryTask(String id) {
    String taskId = Rules.id(id);
    long now = clock.millis();
    Task retried =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  Task current = existing(tx, taskId);
                  Task queued = tasks.retry(tx, taskId, now);
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
      return getTask(taskId);
    }
    return engine.outcomes().after(retried);
  }

  @Override
  public Task awaitTask(String id, long timeoutMs) {
    String taskId = Rules.id(id);
    if (timeoutMs < 0) {
      throw new InvalidRequestException("timeoutMs", "timeoutMs must be zero or positive");
    }
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      try (TaskWait done = engine.notifier().awaitTask(taskId)) {
        Task t = getTask(taskId);
        long left = until - System.nanoTime();
        if (t.status().isTerminal() || left <= 0 || !running.getAsBoolean()) {
          return t;
        }
        // Re-read at least every poll interval: another process may finish it (PostgreSQL).
        done.await(Math.min(left, config.pollInterval().toNanos()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return getTask(taskId);
      }
    }
  }

  @Override
  public List<Task> claimTasks(String agent, List<String> types, int max, long waitMs) {
    String name = Rules.name("agent", agent);
    int n = Rules.range("max", max, 1, 1, MAX_CLAIM);
    if (waitMs < 0) {
      throw new InvalidRequestException("waitMs", "waitMs must be zero or positive");
    }
    List<String> wanted = types == null ? List.of() : types;
    wanted.forEach(t -> Rules.name("types", t));
    String typesJson = wanted.isEmpty() ? null : Json.write(wanted);
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    while (true) {
      long seen = engine.notifier().generation(Channel.WORK);
      if (!running.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        return List.of(); // stopping, or the caller hung up: claim nothing nobody will run
      }
      List<Task> claimed = claimNow(name, typesJson, n);
      if (Thread.currentThread().isInterrupted()) {
        claimed.forEach(
            t ->
                engine
                    .outcomes()
                    .requeue(t, "the claimer hung up before it got the task", "abandoned"));
        return List.of();
      }
      long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
      if (!claimed.isEmpty() || left <= 0) {
        return claimed;
      }
      try {
        // Re-claim at least every poll interval: another daemon may have queued work.
        engine
            .notifier()
            .await(Channel.WORK, seen, Math.min(left, config.pollInterval().toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
  }

  private List<Task> claimNow(String name, String typesJson, int n) {
    long now = clock.millis();
    long leaseUntil = now + config.leaseDuration().toMillis();
    String newId = engine.ids().next();
    return engine
        .store()
        .writer()
        .execute(
            tx -> {
              engine.agents().touch(tx, newId, name, now);
              return tasks.claim(tx, name, typesJson, now, leaseUntil, n);
            });
  }

  @Override
  public Task completeTask(String id, String agent, JsonNode result) {
    String taskId = Rules.id(id);
    String name = Rules.name("agent", agent);
    String resultJson = Json.write(result == null ? NullNode.getInstance() : result);
    checkSize("result", resultJson);
    long now = clock.millis();
    Task done =
        engine
            .store()
            .writer()
            .execute(
                tx -> {
                  Task current = heldBy(tx, taskId, name);
                  return tasks.complete(tx, current, resultJson, now) ? current : null;
                });
    return done == null
        ? null
        : engine
            .outcomes()
            .after(
                TaskStore.succeeded(done, result == null ? NullNode.getInstance() : result, now));
  }

  @Override
  public Task failTask(String id, String agent, String error) {
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
                  Task current = heldBy(tx, taskId, name);
                  return engine.outcomes().failInTx(tx, current, message, "agent", false, now);
                });
    return engine.outcomes().after(failed);
  }

  @Override
  public Task renewLease(String id, String agent) {
    String taskId = Rules.id(id);
    String name = Rules.name("agent", agent);
    long until = clock.millis() + config.leaseDuration().toMillis();
    return engine
        .store()
        .writer()
        .execute(
            tx -> {
              heldBy(tx, taskId, name);
              return tasks.renewLease(tx, taskId, name, until);
            });
  }

  private Task existing(Tx tx, String id) throws SQLException {
    Task t = tasks.get(tx, id);
    if (t == null) {
      throw new NotFoundException("no task with id " + id);
    }
    return t;
  }

  /**
   * The task, if {@code agent} holds its lease; otherwise a conflict that says who does. Working on
   * a task is a sign of life, so it also records a heartbeat: a worker that renews, completes or
   * fails is never reaped as stale.
   */
  private Task heldBy(Tx tx, String id, String agent) throws SQLException {
    engine.agents().heartbeat(tx, agent, clock.millis());
    Task t = existing(tx, id);
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
              + " (a lease that expired was given to another worker)");
    }
    return t;
  }

  @Override
  public Agent registerAgent(AgentRegistration r) {
    if (r == null) {
      throw new InvalidRequestException(null, "a registration is required");
    }
    String name = Rules.name("name", r.name());
    String kind = r.kind() == null ? "agent" : Rules.name("kind", r.kind());
    List<String> capabilities = r.capabilities() == null ? List.of() : r.capabilities();
    capabilities.forEach(c -> Rules.name("capabilities", c));
    JsonNode metadata = r.metadata() == null ? Json.MAPPER.createObjectNode() : r.metadata();
    String metadataJson = Json.write(metadata);
    checkSize("metadata", metadataJson);
    long now = clock.millis();
    String newId = engine.ids().next();
    Agent registered =
        engine
            .store()
            .writer()
            .execute(
                tx ->
                    engine
                        .agents()
                        .upsert(
                            tx, newId, name, kind, Json.write(capabilities), metadataJson, now));
    engine.notifier().publish(new Change.AgentChanged(name));
    return registered;
  }

  @Override
  public Agent heartbeat(String name) {
    String agent = Rules.name("name", name);
    long now = clock.millis();
    long leaseUntil = now + config.leaseDuration().toMillis();
    return engine
        .store()
        .writer()
        .execute(
            tx -> {
              Agent a = engine.agents().heartbeat(tx, agent, now);
              if (a == null) {
                throw new NotFoundException("no agent named " + agent + "; register it first");
              }
              tasks.renewLeasesOf(tx, agent, leaseUntil);
              return a;
            });
  }

  @Override
  public Agent signOff(String name) {
    String agent = Rules.name("name", name);
    long now = clock.millis();
    Agent a = engine.store().writer().execute(tx -> engine.agents().signOff(tx, agent, now));
    if (a == null) {
      throw new NotFoundException("no agent named " + agent);
    }
    engine.notifier().publish(new Change.AgentChanged(agent));
    return a;
  }

  @Override
  public List<Agent> listAgents() {
    long now = clock.millis();
    return engine.store().read(tx -> engine.agents().list(tx, now));
  }

  @Override
  public List<Invocation> listInvocations() {
    return invocations.files().pendingInvocations();
  }

  @Override
  public Invocation processInvocation(String id, String agent) {
    String name = Rules.name("agent", agent);
    Invocation taken = invocations.files().process(id, name);
    long now = clock.millis();
    String newId = engine.ids().next();
    engine
        .store()
        .writer()
        .execute(
            tx -> {
              engine.agents().touch(tx, newId, name, now); // taking work is a sign of life
              return null;
            });
    return taken;
  }

  @Override
  public Invocation completeInvocation(String id, JsonNode result) {
    InvocationFiles.checkId(id);
    checkSize("result", Json.write(result == null ? NullNode.getInstance() : result));
    return invocations.complete(id, result);
  }

  @Override
  public Invocation failInvocation(String id, String error) {
    InvocationFiles.checkId(id);
    if (error == null || error.isBlank()) {
      throw new InvalidRequestException("error", "error is required: say what went wrong");
    }
    return invocations.fail(id, Rules.text("error", error, Rules.MAX_TEXT));
  }

  @Override
  public void arrive(String barrier, String agent) {
    String b = Rules.text("barrier", Rules.id(barrier), 200);
    engine.barriers().arrive(b, Rules.name("agent", agent));
  }

  // --- events, locks, schedules, queues: each feature checks its own input ---

  @Override
  public Event publish(String topic, JsonNode data, String source) {
    return events.publish(topic, data, source);
  }

  @Override
  public Subscription subscribe(String agent, String pattern) {
    return events.subscribe(agent, pattern);
  }

  @Override
  public void unsubscribe(String agent, String pattern) {
    events.unsubscribe(agent, pattern);
  }

  @Override
  public List<Event> awaitEvents(List<String> patterns, long afterSeq, int max, long waitMs) {
    return events.awaitEvents(patterns, afterSeq, max, waitMs);
  }

  @Override
  public EventInbox inbox(String agent, int max, long waitMs) {
    return events.inbox(agent, max, waitMs);
  }

  @Override
  public long ackEvents(String agent, long seq) {
    return events.ack(agent, seq);
  }

  @Override
  public Lock acquireLock(String resource, String agent, long ttlMs, boolean shared, long waitMs) {
    return locks.acquire(resource, agent, ttlMs, shared, waitMs);
  }

  @Override
  public void releaseLock(String resource, String agent) {
    locks.release(resource, agent);
  }

  @Override
  public List<Lock> listLocks() {
    return locks.list();
  }

  @Override
  public Schedule addSchedule(ScheduleSpec spec) {
    return scheduler.add(spec);
  }

  @Override
  public List<Schedule> listSchedules() {
    return scheduler.list();
  }

  @Override
  public void removeSchedule(String name) {
    scheduler.remove(name);
  }

  @Override
  public Schedule pauseSchedule(String name) {
    return scheduler.pause(name);
  }

  @Override
  public Schedule resumeSchedule(String name) {
    return scheduler.resume(name);
  }

  @Override
  public QueueState pauseQueue(String type) {
    return engine.queues().pause(type);
  }

  @Override
  public QueueState resumeQueue(String type) {
    return engine.queues().resume(type);
  }

  @Override
  public QueueState limitQueue(String type, Integer maxConcurrency) {
    return engine.queues().limit(type, maxConcurrency);
  }

  @Override
  public List<QueueState> listQueues() {
    return engine.queues().list();
  }

  /** The parts behind the coordination operations, for the daemon to run their chores. */
  public Events events() {
    return events;
  }

  public Locks locks() {
    return locks;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public Stats stats() {
    long now = clock.millis();
    List<Agent> agents = listAgents();
    Map<TaskStatus, Long> counts = engine.store().read(tasks::countByStatus);
    String agentId =
        agents.stream()
            .filter(a -> a.name().equals(config.name()))
            .map(Agent::id)
            .findFirst()
            .orElse(null);
    return new Stats(
        new Stats.Daemon(config.name(), agentId, (now - startedAt) / 1000, running.getAsBoolean()),
        new Stats.Agents(
            agents.size(),
            count(agents, AgentStatus.ACTIVE),
            count(agents, AgentStatus.STALE),
            count(agents, AgentStatus.OFFLINE)),
        new Stats.Coordination(
            counts.get(TaskStatus.QUEUED),
            counts.get(TaskStatus.RUNNING),
            counts.get(TaskStatus.WAITING),
            counts.get(TaskStatus.SUCCEEDED),
            counts.get(TaskStatus.FAILED),
            counts.get(TaskStatus.CANCELLED)));
  }

  private static int count(List<Agent> agents, AgentStatus status) {
    return (int) agents.stream().filter(a -> a.status() == status).count();
  }
}
