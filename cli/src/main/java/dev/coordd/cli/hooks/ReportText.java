package dev.coordd.cli.hooks;

import dev.coordd.api.Event;
import dev.coordd.api.Lock;
import dev.coordd.api.Task;
import dev.coordd.internal.Json;
import java.util.List;
import java.util.function.Function;

/**
 * The session's first context, read literally by a model: who it is, what waits for it, and the
 * exact command for each next step. Kept under {@link #MAX_CHARS} (about 1,000 tokens) however much
 * waits: each kind shows its newest or best few and says how many there are in all.
 *
 * @param name the session's agent name, used in every command
 * @param role its role ({@code reviewer} of {@code reviewer@1a2b3c4d}), or null
 * @param kind its agent kind (claude_code, codex, gemini…)
 * @param homeArg {@code " --home H"} when the commands need it, else empty
 * @param now the current time, for lock expiries
 */
record ReportText(String name, String role, String kind, String homeArg, long now) {
  /** The bound on the text, about 1,000 tokens. */
  static final int MAX_CHARS = 3_800;

  /** Items shown per kind when they fit; fewer when they do not. */
  static final int SHOW = 5;

  /** Characters of a description, command or event shown per item. */
  static final int MAX_TEXT = 70;

  /** Characters of a type, topic or resource shown per item. */
  static final int MAX_WORD = 32;

  String render(Report r) {
    String text = "";
    for (int show = SHOW; show >= 1; show--) {
      text = render(r, show);
      if (text.length() <= MAX_CHARS) {
        return text;
      }
    }
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS - 1) + "…";
  }

  private String render(Report r, int show) {
    StringBuilder sb = new StringBuilder();
    if (r.offline != null) {
      sb.append("coordd: ").append(r.offline).append(".\n");
    }
    if (r.nothingWaiting()) {
      sb.append(r.offline == null ? nothingWaiting() : "coordd: nothing pending for " + name + ".");
      return sb.toString();
    }
    sb.append(r.offline == null ? whoYouAre() : "coordd: you would be agent " + name + ".")
        .append(" Waiting for you:\n");
    section(
        sb,
        r.running,
        show,
        "Tasks you are running (%d): finish each with "
            + cmd("task complete ID --agent " + name + " --token TOKEN --result JSON")
            + " or "
            + cmd("task fail ID --agent " + name + " --token TOKEN --error TEXT")
            + "; TOKEN is the one your claim printed ("
            + cmd("task show ID")
            + " shows it):",
        this::taskLine,
        "task list --status running");
    section(
        sb,
        r.queued,
        show,
        "Tasks queued for "
            + (role == null ? "you" : "you or your role " + role)
            + " (%d, best first): take them with "
            + cmd("task claim --agent " + name)
            + ", which prints each task's ID and TOKEN:",
        this::taskLine,
        "task list --status queued --assigned-to " + (role == null ? name : role));
    section(
        sb,
        r.invocations,
        show,
        "Invocations waiting for an AI agent (%d): take one with "
            + cmd("check process ID --agent " + name)
            + ", do it, then "
            + cmd("check complete ID --result JSON")
            + " (or "
            + cmd("check fail ID --error TEXT")
            + "):",
        i -> "- " + i.id() + " [" + word(i.agentType()) + "] " + excerpt(i.command(), MAX_TEXT),
        "check");
    for (Report.Inbox box : r.inboxes) {
      if (box.count() == 0) {
        continue;
      }
      List<Event> newest = box.newest();
      List<Event> shown =
          newest.subList(Math.max(0, newest.size() - Math.min(show, 3)), newest.size());
      sb.append("Inbox of ")
          .append(box.agent())
          .append(": ")
          .append(box.count() >= Report.INBOX_COUNT_CAP ? "at least " : "")
          .append(box.count())
          .append(" unread; read and acknowledge them with ")
          .append(cmd("inbox --agent " + box.agent() + " --ack"))
          .append(shown.isEmpty() ? "\n" : ". Newest:\n");
      for (Event e : shown) {
        sb.append("- #")
            .append(e.seq())
            .append(' ')
            .append(word(e.topic()))
            .append(e.source() == null ? "" : " from " + word(e.source()))
            .append(": ")
            .append(excerpt(e.data() == null || e.data().isNull() ? "" : Json.write(e.data()), 60))
            .append('\n');
      }
    }
    section(
        sb,
        r.locks,
        show,
        "Locks you hold (%d): release each when done with "
            + cmd("lock release RESOURCE --agent " + name)
            + ":",
        this::lockLine,
        "lock list");
    return sb.toString().stripTrailing();
  }

  private <T> void section(
      StringBuilder sb,
      List<T> items,
      int show,
      String header,
      Function<T, String> line,
      String more) {
    if (items.isEmpty()) {
      return;
    }
    sb.append(header.formatted(items.size())).append('\n');
    for (T item : items.subList(0, Math.min(show, items.size()))) {
      sb.append(line.apply(item)).append('\n');
    }
    if (items.size() > show) {
      sb.append("(").append(items.size() - show).append(" more: ").append(cmd(more)).append(")\n");
    }
  }

  private String whoYouAre() {
    return "coordd: you are agent "
        + name
        + " ("
        + (role == null ? "" : "role " + role + ", ")
        + "kind "
        + kind
        + "); coordd registered this session under that name. Use --agent "
        + name
        + " in coordd commands."
        + (role == null
            ? ""
            : " The coordd MCP tools, if you have them, act for a session of role "
                + role
                + " when you leave out agent.");
  }

  private String nothingWaiting() {
    return whoYouAre()
        + " Nothing is waiting for you now. Work reaches you as tasks assigned to "
        + name
        + (role == null ? "" : " or to the role " + role)
        + " (take them with "
        + cmd("task claim --agent " + name)
        + "), as invocations for AI agents ("
        + cmd("check")
        + ") and as events in your inbox ("
        + cmd("inbox --agent " + name)
        + ").";
  }

  /** A coordd command line, with the home when the commands need it. */
  private String cmd(String args) {
    return "coordd " + args + homeArg;
  }

  /** {@code - ID [type] description}, with {@code for ROLE} when the role is its assignee. */
  private String taskLine(Task t) {
    String text =
        t.description() == null || t.description().isBlank()
            ? (t.data() == null || t.data().isNull() ? "" : Json.write(t.data()))
            : t.description();
    String to = role != null && role.equals(t.assignedTo()) ? " for " + word(role) + ":" : "";
    return "- " + t.id() + " [" + word(t.type()) + "]" + to + " " + excerpt(text, MAX_TEXT);
  }

  private String lockLine(Lock l) {
    long left = Math.max(0, l.expiresAt() - now);
    return "- "
        + excerpt(l.resource(), 60)
        + (l.shared() ? " (shared, " : " (")
        + "expires in "
        + duration(left)
        + ")";
  }

  /** {@code 45s}, {@code 12m}, {@code 3h}. */
  static String duration(long ms) {
    long s = ms / 1000;
    return s < 120 ? s + "s" : s < 7_200 ? s / 60 + "m" : s / 3_600 + "h";
  }

  static String excerpt(String text, int max) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1).stripTrailing() + "…";
  }

  private static String word(String s) {
    return s == null || s.isBlank() ? "-" : excerpt(s, MAX_WORD);
  }
}
