package dev.coordd.cli.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code coordd init claude}: the MCP server in .mcp.json; in .claude/settings.json the permission
 * for its tools, the approval of the project server, and the SessionStart and SessionEnd hooks.
 */
@Command(
    name = "claude",
    mixinStandardHelpOptions = true,
    description = {
      "Claude Code: adds the coordd MCP server to <project>/.mcp.json and, in"
          + " <project>/.claude/settings.json, allows its tools (permissions.allow mcp__coordd),"
          + " approves the project server (enabledMcpjsonServers) and adds a SessionStart hook"
          + " (coordd hook session-start) and a SessionEnd hook (coordd hook session-end).",
      "Existing servers, hooks and settings are kept; run it again any time."
    })
final class ClaudeInit extends AgentInit {
  /** Claude Code's permission rule for every tool of the coordd server. */
  static final String ALLOW_RULE = "mcp__coordd";

  @Override
  String kind() {
    return "claude_code";
  }

  @Override
  List<Change> plan() throws IOException {
    Path mcp = projectDir().resolve(".mcp.json");
    Path settings = projectDir().resolve(".claude").resolve("settings.json");
    return List.of(
        JsonMerge.plan(
            mcp, root -> JsonMerge.mcpServer(mcp, root, mcpServerEntry()), "MCP server coordd"),
        JsonMerge.plan(
            settings,
            root -> {
              JsonMerge.addToList(settings, root, ALLOW_RULE, "permissions", "allow");
              JsonMerge.addToList(settings, root, "coordd", "enabledMcpjsonServers");
              SessionHooks.merge(settings, root, sessionHooks(null, null));
            },
            "coordd tools allowed; SessionStart and SessionEnd hooks"));
  }

  @Override
  List<String> notes() {
    return List.of(
        "note: commit .mcp.json and .claude/settings.json so every session of this repository"
            + " gets coordd; "
            + (agent == null
                ? "each session is the agent claude-<session id>."
                : "each session is the agent " + agent + "@<session id> (role " + agent + ")."),
        "note: headless runs (claude -p) are allowed coordd's tools by the permission rule "
            + ALLOW_RULE
            + "; other tools still need --allowedTools or a permission mode.");
  }
}
