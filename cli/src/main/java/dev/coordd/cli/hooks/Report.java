package dev.coordd.cli.hooks;

import dev.coordd.api.Event;
import dev.coordd.api.Invocation;
import dev.coordd.api.Lock;
import dev.coordd.api.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * What waits for a session's agent, gathered by {@link SessionCheckIn} and rendered by {@link
 * ReportText} as the session's first context.
 */
final class Report {
  /** Items fetched per kind; the text shows fewer, and says how many there are. */
  static final int FETCH = 50;

  /** Inbox events counted at most; more reads as "at least". */
  static final int INBOX_COUNT_CAP = 200;

  final List<Invocation> invocations = new ArrayList<>();

  /** Tasks this agent is running (holds the lease of). */
  final List<Task> running = new ArrayList<>();

  /** Queued tasks assigned to the agent or to its role, best first. */
  final List<Task> queued = new ArrayList<>();

  /** Unread inbox events of the agent and of its role, each with its own cursor. */
  final List<Inbox> inboxes = new ArrayList<>();

  /**
   * One agent's unread events: how many ({@code count}, at most {@link #INBOX_COUNT_CAP}) and the
   * newest of them, oldest first.
   */
  record Inbox(String agent, int count, List<Event> newest) {}

  /** Locks the agent holds. */
  final List<Lock> locks = new ArrayList<>();

  /** Why the daemon was not asked (no daemon, no answer), or null. */
  String offline;

  static Report offline(String why) {
    Report r = new Report();
    r.offline = why;
    return r;
  }

  boolean nothingWaiting() {
    return invocations.isEmpty()
        && running.isEmpty()
        && queued.isEmpty()
        && inboxes.stream().allMatch(i -> i.count() == 0)
        && locks.isEmpty();
  }
}
