package dev.coordd.cli.init;

import dev.coordd.cli.Shell;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coordd init codex}: the MCP server in Codex's config.toml and, since Codex has no session
 * hook, a section in the project's AGENTS.md asking Codex to check for work.
 */
@Command(
    name = "codex",
    mixinStandardHelpOptions = true,
    description = {
      "Codex CLI: adds [mcp_servers.coordd] to <codex home>/config.toml and a short coordd"
          + " section to <project>/AGENTS.md (only if it has none).",
      "Other tables and keys are kept; an existing coordd table gets only its command and"
          + " args replaced."
    })
final class CodexInit extends AgentInit {
  @Option(
      names = "--codex-home",
      paramLabel = "DIR",
      description = "Codex home (default: $CODEX_HOME, else $HOME/.codex).")
  Path codexHome;

  Path codexHome() {
    if (codexHome != null) {
      return codexHome.toAbsolutePath().normalize();
    }
    String env = System.getenv("CODEX_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    // $HOME, as Codex itself reads it; Java's user.home comes from the password database and
    // ignores a HOME set for a sandbox or a test.
    String home = System.getenv("HOME");
    String base = home == null || home.isBlank() ? System.getProperty("user.home") : home;
    return Path.of(base, ".codex").toAbsolutePath().normalize();
  }

  @Override
  List<Change> plan() throws IOException {
    Path config = codexHome().resolve("config.toml");
    String before = ConfigFiles.readIfExists(config);
    String after = CodexToml.upsertServer(config, before, "coordd", launcher(), mcpServerArgs());
    Change toml = new Change(config, before, after, "0600", "[mcp_servers.coordd]");

    Path agents = projectDir().resolve("AGENTS.md");
    String agentsBefore = ConfigFiles.readIfExists(agents);
    String agentsAfter =
        AgentsMd.withCoorddSection(agentsBefore, Shell.quote(launcher()), homeArgForShell());
    return List.of(toml, new Change(agents, agentsBefore, agentsAfter, "0644", "coordd section"));
  }

  @Override
  List<String> notes() {
    return List.of(
        "note: coordd installs no SessionStart hook for Codex; the AGENTS.md section asks Codex"
            + " to run `"
            + launcher()
            + " check"
            + homeArgForShell()
            + "` at the start of a session.",
        "note: "
            + codexHome().resolve("config.toml")
            + " is shared by every project; its coordd"
            + " server uses the home "
            + coorddHome()
            + ".");
  }
}
