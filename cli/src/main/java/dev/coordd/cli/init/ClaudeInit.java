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
      "Claude Code: adds the coordd MCP server to <project>/.mcp.json and a SessionStart hook"
          + " (coordd hook session-start) to <project>/.claude/settings.json.",
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
            root -> ClaudeSessionHook.merge(settings, root, hookCommand()),
            "SessionStart hook"));
  }

  String hookCommand() {
    return Shell.quote(launcher())
        + " hook session-start --home "
        + Shell.quote(coorddHome().toString());
  }
}
