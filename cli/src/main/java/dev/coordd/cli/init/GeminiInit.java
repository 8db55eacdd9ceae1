package dev.coordd.cli.init;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code coordd init gemini}: the MCP server (trusted, so its calls are not confirmed one by one)
 * and the SessionStart and SessionEnd hooks in .gemini/settings.json.
 */
@Command(
    name = "gemini",
    mixinStandardHelpOptions = true,
    description = {
      "Gemini CLI: adds the coordd MCP server (\"trust\": true) and a SessionStart and a"
          + " SessionEnd hook to <project>/.gemini/settings.json.",
      "Existing servers, hooks and settings are kept; run it again any time. Gemini CLI reads"
          + " the file only in a trusted folder (the output says how)."
    })
final class GeminiInit extends AgentInit {
  @Override
  String kind() {
    return "gemini";
  }

  @Override
  ObjectNode mcpServerEntry() {
    // Gemini CLI skips its confirmation for every tool of a trusted server (in a trusted folder).
    return super.mcpServerEntry().put("trust", true);
  }

  @Override
  List<Change> plan() throws IOException {
    Path settings = projectDir().resolve(".gemini").resolve("settings.json");
    return List.of(
        JsonMerge.plan(
            settings,
            root -> {
              JsonMerge.mcpServer(settings, root, mcpServerEntry());
              SessionHooks.merge(settings, root, sessionHooks("coordd", null));
            },
            "MCP server coordd (trusted); SessionStart and SessionEnd hooks"));
  }

  @Override
  List<String> notes() {
    return List.of(
        "note: Gemini CLI reads "
            + display(projectDir().resolve(".gemini/settings.json"))
            + " (the coordd server and hooks) only in a trusted folder. Start gemini in "
            + projectDir()
            + " and choose \"Trust folder\" when it asks (or run /permissions there); it is"
            + " saved in ~/.gemini/trustedFolders.json. Headless runs: gemini --skip-trust, or"
            + " GEMINI_CLI_TRUST_WORKSPACE=true.",
        "note: Gemini CLI asks before it runs a project hook it has not seen, and again"
            + " whenever the hook's command changes (after running init with other flags).",
        "note: commit .gemini/settings.json so every session of this repository gets coordd; "
            + (agent == null
                ? "each session is the agent gemini-<session id>."
                : "each session is the agent " + agent + "@<session id> (role " + agent + ")."));
  }
}
