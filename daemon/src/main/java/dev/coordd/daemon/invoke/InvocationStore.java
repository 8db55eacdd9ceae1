package dev.coordd.daemon.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Invocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where invocations live and how they change state: {@link InvocationFiles} in the home (one
 * machine, SQLite, works without a daemon) or {@link DatabaseInvocations} in the store (a cluster
 * on PostgreSQL, where every machine's sessions must see the same ones). Both move an invocation
 * {@code pending → processing → archived} and let exactly one of racing sessions take or finish it.
 * Implementations are thread-safe.
 */
public interface InvocationStore {
  /** Where they are, for messages: a folder, or the store's table. */
  String location();

  /**
   * True when every daemon of a cluster sees the same invocations: one daemon (the leader) then
   * reconciles, expires and deletes them for all.
   */
  boolean shared();

  /** Writes a new pending invocation for a task. */
  Invocation create(
      String taskId, String agentType, String command, JsonNode context, Long expiresAt);

  /** Pending invocations, oldest first. */
  List<Invocation> pendingInvocations();

  /** The open (pending or processing) invocation of a task, if any. */
  Optional<Invocation> openFor(String taskId);

  /** The invocation in whatever state; not found if there is none. */
  Invocation get(String id);

  /** The archived invocation, or empty while it is still open (or gone). */
  Optional<Invocation> archived(String id);

  /** Takes a pending invocation for {@code agent}: one winner; a loser is told who has it. */
  Invocation process(String id, String agent);

  Invocation complete(String id, JsonNode result);

  Invocation fail(String id, String error);

  /** Archives an open invocation nobody finished (its task was cancelled). */
  Invocation close(String id, String status, String reason);

  /** Archives an invocation only while nobody has taken it (expiry); a conflict otherwise. */
  Invocation closePending(String id, String status, String reason);

  /**
   * {@link Invocation#PENDING}, {@link Invocation#PROCESSING}, {@link #ARCHIVED}, or null when
   * there is no such invocation.
   */
  String where(String id);

  /** Deletes at most {@code max} archived invocations finished more than {@code age} ago. */
  int cleanup(Duration age, int max);

  /** What {@link #where} says of a finished invocation. */
  String ARCHIVED = "archive";
}
