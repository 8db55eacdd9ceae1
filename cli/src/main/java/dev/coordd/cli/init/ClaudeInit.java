package dev.coordd.cli.init;

import dev.coordd.cli.Shell;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code coordd init claude}: the MCP server in .mcp.json, the SessionStart hook in settings. */
@Command(
    name = "claude",
    mixinStandardHelpOptions = true,
    description = {
      "Claude Code: adds the coordd MCP server to <project>/.mcp.json, and a SessionStart hook"
          + " (coordd hook session-start) and a SessionEnd hook (coordd hook session-end) to"
          + " <project>/.claude/settings.json.",
      "Existing servers, hooks and settings are kept; run it again any time."
    })
final class ClaudeInit extends AgentInit {
  @Override
  List<Change> plan() throws IOException {
    Path mcp = projectDir().resolve(".mcp.json");
    Path settings = projectDir().resolve(".claude").resolve("settings.json");
    return List.of(
        JsonMerge.plan(
            mcp, root -> JsonMerge.mcpServer(mcp, root, mcpServerEntry()), "MCP server coordd"),
        JsonMerge.plan(
            settings,
            root -> ClaudeSessionHook.merge(settings, root, hookCommand(), endHookCommand()),
            "SessionStart and SessionEnd hooks"));
  }

  String hookCommand() {
    return hook("session-start");
  }

  String endHookCommand() {
    return hook("session-end");
  }

  private String hook(String subcommand) {
    return Shell.quote(launcher())
        + " hook "
        + subcommand
        + " --home "
        + Shell.quote(coorddHome().toString());
  }
}
