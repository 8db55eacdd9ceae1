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

  /** Creates a task, or returns the existing one when its idempotency key was seen before. */
  Task createTask(NewTask task);

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
   * and unassigned tasks of the given types (any type when {@code types} is empty). Each claimed
   * task is leased to the agent, which must complete, fail or renew it before the lease expires.
   * When nothing is due, waits up to {@code waitMs} for work to arrive (0: answer at once).
   */
  @LongWait
  List<Task> claimTasks(String agent, List<String> types, int max, long waitMs);

  Task completeTask(String id, String agent, JsonNode result);

  /** Fails the current attempt; the task is retried with backoff while attempts remain. */
  Task failTask(String id, String agent, String error);

  /** Extends the lease of a running task held by {@code agent}. */
  Task renewLease(String id, String agent);

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

  Stats stats();
}
