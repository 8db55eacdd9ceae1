package dev.coordd.cli.hooks;

import dev.coordd.api.CoorddException;
import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.client.CoorddClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The work waiting for a session instance and its role, asked of the daemon with the queries it has
 * today: tasks assigned to either name are listed for each and merged here.
 */
final class WaitingWork {
  private WaitingWork() {}

  /** Running tasks scanned for the agent's leases: a session holds few, the queue may run many. */
  static final int RUNNING_SCAN = 1_000;

  /** Newest inbox events kept per inbox. */
  static final int INBOX_NEWEST = 3;

  /**
   * Fills {@code report} with what {@code agent} runs, what is queued for it or for {@code role},
   * their unread events and the locks it holds.
   */
  static void gather(CoorddClient client, String agent, String role, Report report) {
    for (Task t : client.listTasks(new TaskQuery(TaskStatus.RUNNING, null, null, RUNNING_SCAN))) {
      if (agent.equals(t.leaseOwner())) {
        report.running.add(t);
      }
    }
    Map<String, Task> queued = new LinkedHashMap<>();
    for (String owner : owners(agent, role)) {
      for (Task t : client.listTasks(new TaskQuery(TaskStatus.QUEUED, null, owner, Report.FETCH))) {
        queued.putIfAbsent(t.id(), t);
      }
    }
    List<Task> best = new ArrayList<>(queued.values());
    // The order a claim takes them in: higher priority first, then the oldest.
    best.sort(
        Comparator.comparingInt(Task::priority)
            .reversed()
            .thenComparingLong(Task::runAt)
            .thenComparing(Task::id));
    report.queued.addAll(best);
    for (String owner : owners(agent, role)) {
      Report.Inbox box = inbox(client, owner);
      if (box != null) {
        report.inboxes.add(box);
      }
    }
    client.listLocks().stream()
        .filter(l -> agent.equals(l.holder()))
        .sorted(Comparator.comparingLong(l -> l.expiresAt()))
        .forEach(report.locks::add);
  }

  private static List<String> owners(String agent, String role) {
    return role == null || role.equals(agent) ? List.of(agent) : List.of(agent, role);
  }

  /** The unread events of {@code owner}, or null when it has none or is unknown to the events. */
  private static Report.Inbox inbox(CoorddClient client, String owner) {
    EventInbox box;
    try {
      box = client.inbox(owner, Report.INBOX_COUNT_CAP, 0);
    } catch (CoorddException e) {
      return null; // an inbox is extra: the rest of the context still helps
    }
    if (!box.known() || box.events().isEmpty()) {
      return null;
    }
    List<Event> events = box.events();
    List<Event> newest =
        List.copyOf(events.subList(Math.max(0, events.size() - INBOX_NEWEST), events.size()));
    return new Report.Inbox(owner, events.size(), newest);
  }
}
