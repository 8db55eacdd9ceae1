package dev.coordd.cli.hooks;

import dev.coordd.api.Invocation;
import dev.coordd.api.Task;
import dev.coordd.internal.Json;
import java.util.ArrayList;
import java.util.List;

/** What the session should know, and how it reads as context. */
final class Report {
  /** Items listed at most, all kinds together. */
  static final int MAX_ITEMS = 10;

  /** Characters of a command or description shown per item. */
  static final int MAX_TEXT = 100;

  final List<Invocation> invocations = new ArrayList<>();
  final List<Task> running = new ArrayList<>();
  final List<Task> queued = new ArrayList<>();
  String offline;

  static Report offline(String why) {
    Report r = new Report();
    r.offline = why;
    return r;
  }

  String render(String agent, String homeArg) {
    StringBuilder sb = new StringBuilder();
    if (offline != null) {
      sb.append("coordd: ").append(offline).append(".\n");
    }
    int total = invocations.size() + running.size() + queued.size();
    if (total == 0) {
      sb.append("coordd: nothing pending for ").append(agent).append('.');
      return sb.toString();
    }
    sb.append("coordd: you are agent ").append(agent).append(". Waiting for you:\n");
    int budget = MAX_ITEMS;
    int shown = 0;
    if (!running.isEmpty() && budget > 0) {
      sb.append("Tasks you are running (finish each: coordd task complete ID --agent ")
          .append(agent)
          .append(homeArg)
          .append(" --result JSON, or coordd task fail ID --agent ")
          .append(agent)
          .append(homeArg)
          .append(" --error TEXT):\n");
      for (Task t : running.subList(0, Math.min(budget, running.size()))) {
        sb.append(taskLine(t));
        shown++;
        budget--;
      }
    }
    if (!invocations.isEmpty() && budget > 0) {
      sb.append("Pending invocations (take one: coordd check process ID --agent ")
          .append(agent)
          .append(homeArg)
          .append(", then coordd check complete ID --result JSON")
          .append(homeArg)
          .append("):\n");
      for (Invocation i : invocations.subList(0, Math.min(budget, invocations.size()))) {
        sb.append("- ")
            .append(i.id())
            .append(" [")
            .append(orDash(i.agentType()))
            .append("] ")
            .append(excerpt(i.command()))
            .append('\n');
        shown++;
        budget--;
      }
    }
    if (!queued.isEmpty() && budget > 0) {
      sb.append("Tasks queued for you (take them: coordd task claim --agent ")
          .append(agent)
          .append(homeArg)
          .append("):\n");
      for (Task t : queued.subList(0, Math.min(budget, queued.size()))) {
        sb.append(taskLine(t));
        shown++;
        budget--;
      }
    }
    if (shown < total || running.size() >= MAX_ITEMS || queued.size() >= MAX_ITEMS) {
      sb.append("More not shown: coordd check")
          .append(homeArg)
          .append("; coordd task list --assigned-to ")
          .append(agent)
          .append(homeArg)
          .append('\n');
    }
    return sb.toString().stripTrailing();
  }

  private static String taskLine(Task t) {
    String text =
        t.description() == null || t.description().isBlank()
            ? (t.data() == null || t.data().isNull() ? "" : Json.write(t.data()))
            : t.description();
    return "- " + t.id() + " [" + t.type() + "] " + excerpt(text) + "\n";
  }

  static String excerpt(String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_TEXT
        ? oneLine
        : oneLine.substring(0, MAX_TEXT - 1).stripTrailing() + "…";
  }

  private static String orDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }
}
