package dev.coordd.cli.init;

import java.util.regex.Pattern;

/**
 * The coordd section of a project's AGENTS.md, which tells Codex how to find and finish its work
 * when its session hooks do not run (a project or hook it has not been told to trust). A file that
 * already has a heading naming coordd is left as it is.
 */
final class AgentsMd {
  private AgentsMd() {}

  static final Pattern HAS_COORDD_HEADING = Pattern.compile("(?im)^#{1,6}[ \\t]+.*\\bcoordd\\b");

  /**
   * {@code before} (null: no file) with the coordd section appended when it has none.
   *
   * @param c the coordd command, quoted for a shell
   * @param h {@code " --home H"}, or empty when the default home is right
   * @param agent the name to claim as: the role given to init, else {@code codex}
   */
  static String withCoorddSection(String before, String c, String h, String agent) {
    if (before != null && HAS_COORDD_HEADING.matcher(before).find()) {
      return before;
    }
    String nl = before != null && before.contains("\r\n") ? "\r\n" : "\n";
    String section =
        String.join(
            nl,
            "## coordd",
            "",
            "This project coordinates agents with coordd. At the start of a session, and after"
                + " finishing a piece of work:",
            "",
            "- run `"
                + c
                + " check"
                + h
                + "` to see invocations waiting for an AI agent; take one"
                + " with `"
                + c
                + " check process ID"
                + h
                + "` and finish it with `"
                + c
                + " check complete ID"
                + h
                + "`;",
            "- take tasks assigned to you with `"
                + c
                + " task claim --agent "
                + agent
                + h
                + "` and finish each with `"
                + c
                + " task complete ID --agent "
                + agent
                + h
                + " --token TOKEN --result JSON` (TOKEN: printed by the claim).",
            "");
    if (before == null || before.isBlank()) {
      return section;
    }
    String sep = before.endsWith(nl + nl) ? "" : before.endsWith(nl) ? nl : nl + nl;
    return before + sep + section;
  }
}
