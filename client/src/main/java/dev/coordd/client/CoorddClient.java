package dev.coordd.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Java client: the {@link CoordinationService} of a daemon reached over its Unix socket, plus
 * the original TaskCoordinator's conveniences. Each method is one JSON-RPC call whose method name
 * and parameter names are those of the interface. Thread-safe; close it when done.
 *
 * <pre>{@code
 * try (CoorddClient coordd = CoorddClient.connect(Path.of(".coordd"))) {
 *   Task t = coordd.createTask("file_operation", "Read the data",
 *       Json.read("{\"operation\":\"read\",\"path\":\"data.json\"}"),
 *       NewTask.of("file_operation").withAssignedTo("daemon"));
 *   Task done = coordd.awaitResult(t.id(), Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <p>Calls may be made from many threads at once over the one connection: the daemon runs them
 * concurrently and answers each as it finishes. The {@code …Async} variants of the hot calls return
 * at once, so one thread can keep many calls in flight (pipelining); the futures complete on the
 * connection's reader thread and fail with the same exceptions the plain calls throw. For many
 * tasks at once, the batch calls ({@link #createTasks}, {@link #completeTasks}) are cheaper still.
 *
 * <p>Throws {@link dev.coordd.api.DaemonNotRunningException} when no daemon runs on the home,
 * {@link dev.coordd.api.NotFoundException}, {@link dev.coordd.api.InvalidRequestException} and
 * {@link dev.coordd.api.ConflictException} as the daemon does.
 */
public final class CoorddClient implements CoordinationService, AutoCloseable {
  private static final TypeReference<List<Task>> TASKS = new TypeReference<>() {};
  private static final TypeReference<List<BatchItem>> ITEMS = new TypeReference<>() {};
  private static final TypeReference<List<Agent>> AGENTS = new TypeReference<>() {};
  private static final TypeReference<List<Invocation>> INVOCATIONS = new TypeReference<>() {};
  private static final TypeReference<List<Event>> EVENTS = new TypeReference<>() {};
  private static final TypeReference<List<Lock>> LOCKS = new TypeReference<>() {};
  private static final TypeReference<List<Schedule>> SCHEDULES = new TypeReference<>() {};
  private static final TypeReference<List<QueueState>> QUEUES = new TypeReference<>() {};

  /**
   * Parameters are written without their null fields (a null field and a missing one mean the same
   * to the daemon): a batch of 1,000 tasks is then a fifth of the size, well inside the request
   * size limit.
   */
  private static final ObjectMapper PARAMS =
      Json.MAPPER.copy().setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  private final RpcConnection rpc;

  private CoorddClient(RpcConnection rpc) {
    this.rpc = rpc;
  }

  /** Calls unanswered for {@link RpcConnection#DEFAULT_CALL_TIMEOUT} beyond their wait fail. */
  public static CoorddClient connect(Path home) {
    return new CoorddClient(RpcConnection.open(home));
  }

  /** As {@link #connect(Path)}, with another limit for a call's answer beyond its own wait. */
  public static CoorddClient connect(Path home, Duration callTimeout) {
    return new CoorddClient(RpcConnection.open(home, callTimeout));
  }

  // --- the original API, in Java idiom ---

  /**
   * Creates a task; {@code options} carries assignedTo, priority, delay, attempts, timeout and
   * idempotency key (its type, description and data are replaced by the arguments).
   */
  public Task createTask(String type, String description, JsonNode data, NewTask options) {
    NewTask base = options == null ? NewTask.of(type) : options;
    return createTask(
        new NewTask(
            type,
            description,
            data,
            base.assignedTo(),
            base.priority(),
            base.delayMs(),
            base.maxAttempts(),
            base.timeoutMs(),
            base.idempotencyKey(),
            base.createdBy(),
            base.dependsOn()));
  }

  /** Waits for the task to finish and returns it; check its status for the outcome. */
  public Task awaitResult(String id, Duration timeout) {
    return awaitTask(id, timeout.toMillis());
  }

  // --- CoordinationService ---

  @Override
  public Task createTask(NewTask task) {
    return call("createTask", Task.class, "task", task);
  }

  @Override
  public List<BatchItem> createTasks(List<NewTask> tasks) {
    return Json.MAPPER.convertValue(rpc.call("createTasks", params("tasks", tasks)), ITEMS);
  }

  /** As {@link #createTask(NewTask)}, returning at once; see the class comment. */
  public CompletableFuture<Task> createTaskAsync(NewTask task) {
    return callAsync("createTask", Task.class, "task", task);
  }

  /** As {@link #createTasks}, returning at once. */
  public CompletableFuture<List<BatchItem>> createTasksAsync(List<NewTask> tasks) {
    return rpc.callAsync("createTasks", params("tasks", tasks))
        .thenApply(r -> Json.MAPPER.convertValue(r, ITEMS));
  }

  /** As {@link #getTask}, returning at once. */
  public CompletableFuture<Task> getTaskAsync(String id) {
    return callAsync("getTask", Task.class, "id", id);
  }

  @Override
  public Task getTask(String id) {
    return call("getTask", Task.class, "id", id);
  }

  @Override
  public List<Task> listTasks(TaskQuery query) {
    return Json.MAPPER.convertValue(rpc.call("listTasks", params("query", query)), TASKS);
  }

  @Override
  public Task cancelTask(String id) {
    return call("cancelTask", Task.class, "id", id);
  }

  @Override
  public Task retryTask(String id) {
    return call("retryTask", Task.class, "id", id);
  }

  @Override
  public Task awaitTask(String id, long timeoutMs) {
    return call("awaitTask", Task.class, "id", id, "timeoutMs", timeoutMs);
  }

  @Override
  public List<Task> claimTasks(
      String agent, List<String> types, int max, long waitMs, Long leaseMs) {
    return Json.MAPPER.convertValue(
        rpc.call(
            "claimTasks",
            params(
                "agent", agent, "types", types, "max", max, "waitMs", waitMs, "leaseMs", leaseMs)),
        TASKS);
  }

  @Override
  public Task completeTask(String id, String agent, String token, JsonNode result) {
    return call(
        "completeTask", Task.class, "id", id, "agent", agent, "token", token, "result", result);
  }

  @Override
  public List<BatchItem> completeTasks(List<Completion> completions) {
    return Json.MAPPER.convertValue(
        rpc.call("completeTasks", params("completions", completions)), ITEMS);
  }

  /** As {@link #completeTask}, returning at once. */
  public CompletableFuture<Task> completeTaskAsync(
      String id, String agent, String token, JsonNode result) {
    return callAsync(
        "completeTask", Task.class, "id", id, "agent", agent, "token", token, "result", result);
  }

  /** As {@link #completeTasks}, returning at once. */
  public CompletableFuture<List<BatchItem>> completeTasksAsync(List<Completion> completions) {
    return rpc.callAsync("completeTasks", params("completions", completions))
        .thenApply(r -> Json.MAPPER.convertValue(r, ITEMS));
  }

  /** As {@link #failTask}, returning at once. */
  public CompletableFuture<Task> failTaskAsync(
      String id, String agent, String token, String error) {
    return callAsync(
        "failTask", Task.class, "id", id, "agent", agent, "token", token, "error", error);
  }

  @Override
  public Task failTask(String id, String agent, String token, String error) {
    return call("failTask", Task.class, "id", id, "agent", agent, "token", token, "error", error);
  }

  @Override
  public Task renewLease(String id, String agent, String token) {
    return call("renewLease", Task.class, "id", id, "agent", agent, "token", token);
  }

  @Override
  public Agent registerAgent(AgentRegistration registration) {
    return call("registerAgent", Agent.class, "registration", registration);
  }

  @Override
  public Agent heartbeat(String name) {
    return call("heartbeat", Agent.class, "name", name);
  }

  @Override
  public Agent signOff(String name) {
    return call("signOff", Agent.class, "name", name);
  }

  @Override
  public List<Agent> listAgents() {
    return Json.MAPPER.convertValue(rpc.call("listAgents", params()), AGENTS);
  }

  @Override
  public List<Invocation> listInvocations() {
    return Json.MAPPER.convertValue(rpc.call("listInvocations", params()), INVOCATIONS);
  }

  @Override
  public Invocation processInvocation(String id, String agent) {
    return call("processInvocation", Invocation.class, "id", id, "agent", agent);
  }

  @Override
  public Invocation completeInvocation(String id, JsonNode result) {
    return call("completeInvocation", Invocation.class, "id", id, "result", result);
  }

  @Override
  public Invocation failInvocation(String id, String error) {
    return call("failInvocation", Invocation.class, "id", id, "error", error);
  }

  @Override
  public void arrive(String barrier, String agent) {
    rpc.call("arrive", params("barrier", barrier, "agent", agent));
  }

  @Override
  public Event publish(String topic, JsonNode data, String source) {
    return call("publish", Event.class, "topic", topic, "data", data, "source", source);
  }

  @Override
  public Subscription subscribe(String agent, String pattern) {
    return call("subscribe", Subscription.class, "agent", agent, "pattern", pattern);
  }

  @Override
  public void unsubscribe(String agent, String pattern) {
    rpc.call("unsubscribe", params("agent", agent, "pattern", pattern));
  }

  @Override
  public List<Event> awaitEvents(List<String> patterns, long afterSeq, int max, long waitMs) {
    return Json.MAPPER.convertValue(
        rpc.call(
            "awaitEvents",
            params("patterns", patterns, "afterSeq", afterSeq, "max", max, "waitMs", waitMs)),
        EVENTS);
  }

  @Override
  public EventInbox inbox(String agent, int max, long waitMs) {
    return call("inbox", EventInbox.class, "agent", agent, "max", max, "waitMs", waitMs);
  }

  @Override
  public long ackEvents(String agent, long seq) {
    return rpc.call("ackEvents", params("agent", agent, "seq", seq)).asLong();
  }

  @Override
  public Lock acquireLock(String resource, String agent, long ttlMs, boolean shared, long waitMs) {
    return call(
        "acquireLock",
        Lock.class,
        "resource",
        resource,
        "agent",
        agent,
        "ttlMs",
        ttlMs,
        "shared",
        shared,
        "waitMs",
        waitMs);
  }

  @Override
  public void releaseLock(String resource, String agent) {
    rpc.call("releaseLock", params("resource", resource, "agent", agent));
  }

  @Override
  public List<Lock> listLocks() {
    return Json.MAPPER.convertValue(rpc.call("listLocks", params()), LOCKS);
  }

  @Override
  public Schedule addSchedule(ScheduleSpec spec) {
    return call("addSchedule", Schedule.class, "spec", spec);
  }

  @Override
  public List<Schedule> listSchedules() {
    return Json.MAPPER.convertValue(rpc.call("listSchedules", params()), SCHEDULES);
  }

  @Override
  public void removeSchedule(String name) {
    rpc.call("removeSchedule", params("name", name));
  }

  @Override
  public Schedule pauseSchedule(String name) {
    return call("pauseSchedule", Schedule.class, "name", name);
  }

  @Override
  public Schedule resumeSchedule(String name) {
    return call("resumeSchedule", Schedule.class, "name", name);
  }

  @Override
  public QueueState pauseQueue(String type) {
    return call("pauseQueue", QueueState.class, "type", type);
  }

  @Override
  public QueueState resumeQueue(String type) {
    return call("resumeQueue", QueueState.class, "type", type);
  }

  @Override
  public QueueState limitQueue(String type, Integer maxConcurrency) {
    return call("limitQueue", QueueState.class, "type", type, "maxConcurrency", maxConcurrency);
  }

  @Override
  public List<QueueState> listQueues() {
    return Json.MAPPER.convertValue(rpc.call("listQueues", params()), QUEUES);
  }

  @Override
  public Stats stats() {
    return call("stats", Stats.class);
  }

  /** A raw call, for doors that pass JSON through (the CLI's --json, MCP). */
  public JsonNode call(String method, JsonNode params) {
    return rpc.call(method, params);
  }

  /** A raw call returning at once: its result, or its error as the exception. */
  public CompletableFuture<JsonNode> callAsync(String method, JsonNode params) {
    return rpc.callAsync(method, params);
  }

  private <T> CompletableFuture<T> callAsync(
      String method, Class<T> type, Object... namesAndValues) {
    return rpc.callAsync(method, params(namesAndValues))
        .thenApply(
            result ->
                result == null || result.isNull() ? null : Json.MAPPER.convertValue(result, type));
  }

  private <T> T call(String method, Class<T> type, Object... namesAndValues) {
    JsonNode result = rpc.call(method, params(namesAndValues));
    return result == null || result.isNull() ? null : Json.MAPPER.convertValue(result, type);
  }

  private static ObjectNode params(Object... namesAndValues) {
    ObjectNode params = Json.MAPPER.createObjectNode();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      params.set((String) namesAndValues[i], PARAMS.valueToTree(namesAndValues[i + 1]));
    }
    return params;
  }

  @Override
  public void close() {
    rpc.close();
  }
}
