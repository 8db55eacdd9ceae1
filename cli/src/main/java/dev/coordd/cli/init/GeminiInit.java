package dev.coordd.cli.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code coordd init gemini}: the MCP server in .gemini/settings.json; Gemini has no hook. */
@Command(
    name = "gemini",
    mixinStandardHelpOptions = true,
    description = {
      "Gemini CLI: adds the coordd MCP server to <project>/.gemini/settings.json"
          + " (\"mcpServers\").",
      "Existing servers and settings are kept; run it again any time."
    })
final class GeminiInit extends AgentInit {
  @Override
  List<Change> plan() throws IOException {
    Path settings = projectDir().resolve(".gemini").resolve("settings.json");
    return List.of(
        JsonMerge.plan(
            settings,
            root -> JsonMerge.mcpServer(settings, root, mcpServerEntry()),
            "MCP server coordd"));
  }

  @Override
  List<String> notes() {
    return List.of(
        "note: Gemini CLI lists pending work through the coordd MCP server; ask it to"
            + " run `"
            + launcher()
            + " check"
            + homeArgForShell()
            + "` at the start of a session.");
  }
}
