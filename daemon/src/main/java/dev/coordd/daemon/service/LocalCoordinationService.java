package dev.coordd.daemon.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.BatchItem;
import dev.coordd.api.Completion;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.api.Invocation;
import dev.coordd.api.Lock;
import dev.coordd.api.NewTask;
import dev.coordd.api.QueueState;
import dev.coordd.api.Schedule;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Stats;
import dev.coordd.api.Subscription;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.events.Events;
import dev.coordd.daemon.invoke.InvocationQueue;
import dev.coordd.daemon.locks.Locks;
import dev.coordd.daemon.schedules.Scheduler;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.TaskStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The daemon's implementation of the API: the one method table every door shares (the socket, the
 * inbox folder, handlers, and the daemon's own rules and schedules). Each operation is one short
 * method that hands the request to the class holding its area; that class checks the request, turns
 * it into one store operation (one transaction, group-committed with others), then notifies the
 * engine. Thread-safe, as every part is.
 */
public final class LocalCoordinationService implements CoordinationService {
  private final Engine engine;
  private final TaskCreation creation;
  private final CreateRateLimit rateLimit;
  private final TaskReader reader;
  private final TaskControl control;
  private final TaskWork work;
  private final AgentRegistry agents;
  private final Invocations invocations;
  private final Events events;
  private final Locks locks;
  private final Scheduler scheduler;
  private final StatsReader stats;

  public LocalCoordinationService(Engine engine, InvocationQueue queue, BooleanSupplier running) {
    this.engine = engine;
    PayloadLimit payloads = new PayloadLimit(engine.config());
    this.creation = new TaskCreation(engine, payloads);
    this.rateLimit = new CreateRateLimit(engine.config().rateLimit(), engine.clock());
    this.reader = new TaskReader(engine);
    this.control = new TaskControl(engine, reader, queue, running);
    this.work = new TaskWork(engine, reader, payloads, running);
    this.agents = new AgentRegistry(engine, payloads);
    this.invocations = new Invocations(engine, queue, payloads);
    // Rules and schedules create tasks checked like any other, but not rate limited: a refused
    // slot or rule firing would be lost, not deferred.
    this.events =
        new Events(
            engine,
            engine.config().eventRetention(),
            engine.config().eventRules(),
            creation::create);
    this.locks = new Locks(engine);
    this.scheduler = new Scheduler(engine, engine.config().schedules(), creation::create);
    this.stats = new StatsReader(engine, agents, running);
  }

  // --- tasks ---

  @Override
  public Task createTask(NewTask request) {
    rateLimit.acquire(request == null ? null : request.createdBy());
    return creation.create(request);
  }

  /** Each item rate limited and checked on its own, all written together (see {@link Batches}). */
  @Override
  public List<BatchItem> createTasks(List<NewTask> tasks) {
    return Batches.run("tasks", tasks, creates);
  }

  /** {@link #createTask}'s steps, for a batch. */
  private final Batches.Steps<NewTask, TaskCreation.Prepared, TaskStore.Inserted> creates =
      new Batches.Steps<>() {
        @Override
        public TaskCreation.Prepared prepare(NewTask request) {
          rateLimit.acquire(request.createdBy());
          return creation.prepare(request);
        }

        @Override
        public CompletableFuture<TaskStore.Inserted> submit(TaskCreation.Prepared prepared) {
          return creation.submit(prepared);
        }

        @Override
        public Task finish(TaskCreation.Prepared prepared, TaskStore.Inserted inserted) {
          return creation.finish(prepared, inserted);
        }
      };

  @Override
  public Task getTask(String id) {
    return reader.get(id);
  }

  @Override
  public List<Task> listTasks(TaskQuery query) {
    return reader.list(query);
  }

  @Override
  public Task cancelTask(String id) {
    return control.cancel(id);
  }

  @Override
  public Task retryTask(String id) {
    return control.retry(id);
  }

  @Override
  public Task awaitTask(String id, long timeoutMs) {
    return control.await(id, timeoutMs);
  }

  @Override
  public List<Task> claimTasks(
      String agent, List<String> types, int max, long waitMs, Long leaseMs) {
    return work.claim(agent, types, max, waitMs, leaseMs);
  }

  @Override
  public Task completeTask(String id, String agent, String token, JsonNode result) {
    return work.complete(id, agent, token, result);
  }

  @Override
  public List<BatchItem> completeTasks(List<Completion> completions) {
    return Batches.run("completions", completions, completes);
  }

  /** {@link #completeTask}'s steps, for a batch. */
  private final Batches.Steps<Completion, TaskWork.PreparedCompletion, Task> completes =
      new Batches.Steps<>() {
        @Override
        public TaskWork.PreparedCompletion prepare(Completion c) {
          return work.prepareCompletion(c.id(), c.agent(), c.token(), c.result());
        }

        @Override
        public CompletableFuture<Task> submit(TaskWork.PreparedCompletion prepared) {
          return work.submitCompletion(prepared);
        }

        @Override
        public Task finish(TaskWork.PreparedCompletion prepared, Task done) {
          return work.finishCompletion(prepared, done);
        }
      };

  @Override
  public Task failTask(String id, String agent, String token, String error) {
    return work.fail(id, agent, token, error);
  }

  @Override
  public Task renewLease(String id, String agent, String token) {
    return work.renewLease(id, agent, token);
  }

  // --- agents ---

  @Override
  public Agent registerAgent(AgentRegistration r) {
    return agents.register(r);
  }

  @Override
  public Agent heartbeat(String name) {
    return agents.heartbeat(name);
  }

  @Override
  public Agent signOff(String name) {
    return agents.signOff(name);
  }

  @Override
  public List<Agent> listAgents() {
    return agents.list();
  }

  // --- invocations ---

  @Override
  public List<Invocation> listInvocations() {
    return invocations.list();
  }

  @Override
  public Invocation processInvocation(String id, String agent) {
    return invocations.process(id, agent);
  }

  @Override
  public Invocation completeInvocation(String id, JsonNode result) {
    return invocations.complete(id, result);
  }

  @Override
  public Invocation failInvocation(String id, String error) {
    return invocations.fail(id, error);
  }

  // --- barriers ---

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
    return stats.read();
  }
}
