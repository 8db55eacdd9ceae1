package dev.coordd.cli.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coordd init codex}: the MCP server in Codex's config.toml with its tools approved, the
 * SessionStart and SessionEnd hooks in the project's .codex/hooks.json, and a section in AGENTS.md
 * for sessions whose hooks are not trusted yet.
 */
@Command(
    name = "codex",
    mixinStandardHelpOptions = true,
    description = {
      "Codex CLI: adds [mcp_servers.coordd] (default_tools_approval_mode = \"approve\", so"
          + " codex exec may call its tools) to <codex home>/config.toml, a SessionStart and a"
          + " SessionEnd hook to <project>/.codex/hooks.json, and a short coordd section to"
          + " <project>/AGENTS.md (only if it has none).",
      "Other tables, keys and hooks are kept; an existing coordd table gets only coordd's keys"
          + " replaced."
    })
final class CodexInit extends AgentInit {
  /** Codex's per-server approval mode under which its tools run without asking. */
  static final Map<String, String> APPROVE = Map.of("default_tools_approval_mode", "approve");

  /**
   * Codex gives a SessionEnd hook 1 s unless its handler says otherwise, and 3 s at most (Codex
   * 0.145+); a JVM that starts cold needs the most it allows.
   */
  static final int CODEX_END_TIMEOUT_S = 3;

  @Option(
      names = "--codex-home",
      paramLabel = "DIR",
      description = "Codex home (default: $CODEX_HOME, else $HOME/.codex).")
  Path codexHome;

  @Override
  String kind() {
    return "codex";
  }

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

  /**
   * config.toml is this person's, shared by every project, and Codex starts the server wherever a
   * session runs: its --home is always this project's home, absolute.
   */
  @Override
  List<String> mcpServerArgs() {
    List<String> args = new ArrayList<>(List.of("mcp", "--home", coorddHome().toString()));
    args.addAll(agentArgs());
    return args;
  }

  @Override
  List<Change> plan() throws IOException {
    Path config = codexHome().resolve("config.toml");
    String before = ConfigFiles.readIfExists(config);
    String after =
        CodexToml.upsertServer(
            config, before, "coordd", COMMAND, mcpServerArgs(), new LinkedHashMap<>(APPROVE));
    Change toml = new Change(config, before, after, "0600", "[mcp_servers.coordd], tools approved");

    Path hooks = projectDir().resolve(".codex").resolve("hooks.json");
    Change hooksJson =
        JsonMerge.plan(
            hooks,
            root -> SessionHooks.merge(hooks, root, sessionHooks(null, CODEX_END_TIMEOUT_S)),
            "SessionStart and SessionEnd hooks");

    Path agents = projectDir().resolve("AGENTS.md");
    String agentsBefore = ConfigFiles.readIfExists(agents);
    String agentsAfter =
        AgentsMd.withCoorddSection(
            agentsBefore, COMMAND, homeArgForShell(), agent == null ? "codex" : agent);
    return List.of(
        toml, hooksJson, new Change(agents, agentsBefore, agentsAfter, "0644", "coordd section"));
  }

  @Override
  List<String> notes() {
    return List.of(
        "note: Codex runs the hooks of "
            + display(projectDir().resolve(".codex/hooks.json"))
            + " only in a project it trusts (it asks the first time you run codex in "
            + projectDir()
            + "), and only after you review and trust each new or changed hook: start codex"
            + " there and open /hooks. Until then the AGENTS.md section asks Codex to run `"
            + COMMAND
            + " check"
            + homeArgForShell()
            + "` itself. codex exec --dangerously-bypass-hook-trust runs them unreviewed, for"
            + " automation you have checked.",
        "note: "
            + codexHome().resolve("config.toml")
            + " is yours and shared by every project: its coordd server uses the home "
            + coorddHome()
            + (agent == null ? "" : " and the role " + agent)
            + "; each person who shares this repository runs coordd init codex once.");
  }
}
