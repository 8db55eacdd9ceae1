package dev.coordd.daemon.notify;

import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * One committed change, as small typed data: enough for a waiter to know whether to look again and
 * for a live feed to say what happened, never the state itself (readers re-read the store). A
 * change made by another daemon sharing the store (PostgreSQL LISTEN/NOTIFY) arrives as the same
 * record, so nothing downstream can tell, or needs to know, where it came from.
 */
public sealed interface Change {
  /** The generation channels this change moves. */
  Set<Channel> channels();

  /**
   * A task can be claimed (created, requeued, retried, released, come due): its type and assignee
   * say which claim waiters could take it, and one of them is woken.
   */
  record TaskAvailable(String id, String type, String assignedTo) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.WORK);
    }
  }

  /**
   * A task reached a terminal status: whoever waits for its result may read it, and a slot under
   * its type's concurrency cap may be free.
   */
  record TaskFinished(String id, TaskStatus status) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.WORK);
    }
  }

  /** A task changed in some other way that may matter to claimers (e.g. parked, waiting). */
  record TaskChanged(String id, TaskStatus status) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.WORK);
    }
  }

  /** An agent registered, signed off or otherwise changed. */
  record AgentChanged(String name) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.noneOf(Channel.class);
    }
  }

  /** An event was stored under {@code seq}. */
  record EventPublished(long seq, String topic) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.EVENTS);
    }
  }

  /**
   * A lease went away or was downgraded; {@code resource} is null when several went at once (the
   * expiry sweep).
   */
  record LockFreed(String resource) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.LOCKS);
    }
  }

  /**
   * A lease was taken (new, or a shared one made exclusive), by {@code agent} on {@code resource}.
   * Nobody waits for this (a waiter waits for a release), so it moves no channel: it is for the
   * live feeds.
   */
  record LockTaken(String resource, String agent) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.noneOf(Channel.class);
    }
  }

  /**
   * An invocation was queued, taken by a session, or archived ({@code status}: pending, processing,
   * completed, failed, expired, cancelled). Its task says so separately when it ends, so this moves
   * no channel: it is for the live feeds.
   */
  record InvocationChanged(String id, String taskId, String status) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.noneOf(Channel.class);
    }
  }

  /** A queue was paused, resumed or had its concurrency cap changed. */
  record QueuePolicyChanged(String type) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.WORK);
    }
  }

  /**
   * A task of {@code type}, a type with a concurrency cap, stopped running: a slot under the cap is
   * free, so a claimer of that type may find work that was held back.
   */
  record CapacityFreed(String type) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.WORK);
    }
  }

  /**
   * A housekeeping round ran at {@code at} (clock time). Claim waiters do not wake on it (the round
   * publishes each task that came due as {@link TaskAvailable}); it is for listeners and loops that
   * judge by the clock. Local to each daemon; a shared-store implementation need not forward it.
   */
  record TimePassed(long at) implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.of(Channel.WORK);
    }
  }

  /**
   * The daemon is stopping: every generation waiter looks again and gives up. Callers waiting for a
   * task's result are released later, by {@link Notifier#close()}, so they see how the graceful
   * stop left the task.
   */
  record Stopping() implements Change {
    @Override
    public Set<Channel> channels() {
      return EnumSet.allOf(Channel.class);
    }
  }

  /**
   * What a task just committed in {@code status} tells others: finished, available or changed. A
   * queued task is available; prefer {@link #of(Task, long)}, which tells a delayed one apart.
   */
  static Change of(Task task) {
    return of(task, Long.MAX_VALUE);
  }

  /**
   * As {@link #of(Task)}, judged at {@code now} (read after the commit): a queued task whose run
   * time is still to come is only changed, not available, so it wakes no claimer that would find
   * nothing; the housekeeper publishes it as available when it comes due.
   */
  static Change of(Task task, long now) {
    if (task.status().isTerminal()) {
      return new TaskFinished(task.id(), task.status());
    }
    if (task.status() == TaskStatus.QUEUED && task.runAt() <= now) {
      return new TaskAvailable(task.id(), task.type(), task.assignedTo());
    }
    return new TaskChanged(task.id(), task.status());
  }
}
