package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The whole coordd API. The daemon implements it over its store; every door (socket, CLI, Java
 * client, MCP, HTTP) is a thin adapter that calls these operations and nothing else.
 *
 * <p>Implementations are thread-safe. Errors are {@link CoorddException}s.
 */
public interface CoordinationService {
  /**
   * The most items one batch call ({@link #createTasks}, {@link #completeTasks}) takes; a longer
   * list is refused whole. Split bigger jobs into several calls (they may be in flight at once).
   */
  int MAX_BATCH = 1_000;

  /** Creates a task, or returns the existing one when its idempotency key was seen before. */
  Task createTask(NewTask task);

  /**
   * Creates up to {@link #MAX_BATCH} tasks in one call: each is checked and created as {@link
   * #createTask} would, all written together (one commit for the lot when the store can), and item
   * {@code i} of the answer is task {@code i} or its own error; a bad item does not stop the
   * others. A missing or too long list is refused whole.
   */
  List<BatchItem> createTasks(List<NewTask> tasks);

  /** The task with its full run history. */
  Task getTask(String id);

  List<Task> listTasks(TaskQuery query);

  /** Cancels a queued, waiting or running task; a running handler is interrupted. */
  Task cancelTask(String id);

  /** Puts a failed or cancelled task back in the queue with a fresh attempt budget. */
  Task retryTask(String id);

  /**
   * Blocks until the task finishes or the timeout passes, then returns it as it is; the caller
   * checks {@link TaskStatus#isTerminal()}.
   */
  @LongWait
  Task awaitTask(String id, long timeoutMs);

  /**
   * Claims up to {@code max} queued tasks for an external worker: tasks assigned to {@code agent},
   * tasks assigned to its role (the part of {@code reviewer@1a2b3c} before {@code @}), and
   * unassigned tasks of the given types (any type when {@code types} is empty). Each claimed task
   * is leased to the agent and carries a fresh {@link Task#claimToken()}; the agent must complete,
   * fail or renew it (with that token) before the lease expires. {@code leaseMs} is the lease
   * length (null: the lease configured for the agent's kind, else the daemon's default). A lease
   * longer than the default is not taken back when the agent misses heartbeats, only when it runs
   * out or the agent signs off. When nothing is due, waits up to {@code waitMs} for work to arrive
   * (0: answer at once).
   */
  @LongWait
  List<Task> claimTasks(String agent, List<String> types, int max, long waitMs, Long leaseMs);

  /** Succeeds the attempt {@code token} names (the token its claim returned). */
  Task completeTask(String id, String agent, String token, JsonNode result);

  /**
   * Completes up to {@link #MAX_BATCH} claimed tasks in one call, each as {@link #completeTask}
   * would; item {@code i} of the answer is the completed task {@code i} or its own error.
   */
  List<BatchItem> completeTasks(List<Completion> completions);

  /**
   * Fails the attempt {@code token} names; the task is retried with backoff while attempts remain.
   */
  Task failTask(String id, String agent, String token, String error);

  /** Extends the lease of the running attempt {@code token} names by its own lease length. */
  Task renewLease(String id, String agent, String token);

  Agent registerAgent(AgentRegistration registration);

  /** Records a heartbeat; it also renews the leases of every task the agent is running. */
  Agent heartbeat(String name);

  /** Signs an agent off: it shows as offline until it registers or beats again. */
  Agent signOff(String name);

  List<Agent> listAgents();

  /** Pending invocations waiting for an AI agent session, oldest first. */
  List<Invocation> listInvocations();

  /**
   * Takes a pending invocation for {@code agent} (one winner among racing sessions) and returns it
   * in full; a loser gets a conflict naming who has it.
   */
  Invocation processInvocation(String id, String agent);

  /** Archives the invocation with the agent's result and succeeds its waiting task. */
  Invocation completeInvocation(String id, JsonNode result);

  /** Archives the invocation with an error and fails its waiting task. */
  Invocation failInvocation(String id, String error);

  /** Marks {@code agent} as arrived at a {@code synchronize_agents} barrier. */
  void arrive(String barrier, String agent);

  // --- events ---

  /** Stores an event durably and wakes every watcher and inbox reader of its topic. */
  Event publish(String topic, JsonNode data, String source);

  /** Subscribes {@code agent} to a topic pattern; events from now on reach its inbox. */
  Subscription subscribe(String agent, String pattern);

  void unsubscribe(String agent, String pattern);

  /**
   * Live watching: events on any of {@code patterns} after {@code afterSeq}, at most {@code max};
   * when there are none yet, waits up to {@code waitMs} for one. The caller keeps the cursor. A
   * negative {@code afterSeq} asks for the newest {@code -afterSeq} matching events at once (or, if
   * there are none, waits from the newest event), so a new watcher starts "from now" without a gap.
   */
  @LongWait
  List<Event> awaitEvents(List<String> patterns, long afterSeq, int max, long waitMs);

  /** An agent's unacknowledged events; waits up to {@code waitMs} when there are none. */
  @LongWait
  EventInbox inbox(String agent, int max, long waitMs);

  /** Acknowledges an agent's events up to {@code seq}; returns its new cursor. */
  long ackEvents(String agent, long seq);

  // --- locks ---

  /**
   * Acquires an exclusive (or shared) lease on {@code resource} for {@code ttlMs}; the holder may
   * call again to extend it. When it is held by others, waits up to {@code waitMs}, then fails with
   * a conflict naming the holder and when its lease ends.
   */
  @LongWait
  Lock acquireLock(String resource, String agent, long ttlMs, boolean shared, long waitMs);

  /** Releases a lease; refused for anyone but its holder. */
  void releaseLock(String resource, String agent);

  List<Lock> listLocks();

  // --- schedules ---

  Schedule addSchedule(ScheduleSpec spec);

  List<Schedule> listSchedules();

  void removeSchedule(String name);

  Schedule pauseSchedule(String name);

  Schedule resumeSchedule(String name);

  // --- queues ---

  /** Stops every claimer from taking tasks of {@code type}; running ones finish. */
  QueueState pauseQueue(String type);

  QueueState resumeQueue(String type);

  /** Caps how many tasks of {@code type} run at once across all claimers; null removes the cap. */
  QueueState limitQueue(String type, Integer maxConcurrency);

  /** Every type that has tasks, a pause or a limit. */
  List<QueueState> listQueues();

  Stats stats();
}
