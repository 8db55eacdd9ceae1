package dev.coordd.cli.init;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.cli.Shell;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code coordd init} subcommand takes and does: plan every change first (so a refused
 * file means nothing at all is written), then write the changed files and print one line per file.
 */
abstract class AgentInit implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Project folder (default: the current folder).")
  Path dir;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description =
          "coordd home the agent should use (default: $COORDD_HOME, else <project>/.coordd).")
  Path home;

  @Option(names = "--dry-run", description = "Show what would change; write nothing.")
  boolean dryRun;

  @Option(
      names = "--agent",
      paramLabel = "ROLE",
      description =
          "The role every session of this CLI is an instance of: the MCP server and hooks run"
              + " with --agent ROLE, so each session is the agent ROLE@<session>, and work"
              + " assigned to ROLE reaches whichever session claims it first (default: names"
              + " derived from each session).")
  String agent;

  /** The changes this subcommand wants; throws {@link Refused} before anything is written. */
  abstract List<Change> plan() throws IOException;

  /** Lines printed after the per-file lines. */
  List<String> notes() {
    return List.of();
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (agent != null && (!Rules.isName(agent) || agent.contains("@") || agent.length() > 100)) {
      err.println(
          "coordd: --agent '"
              + agent
              + "' is not a role name: "
              + Rules.NAME_RULE
              + ", at most 100 characters and without '@' (each session adds @<session>"
              + " itself); e.g. --agent reviewer");
      err.flush();
      return InitCommand.EXIT_USAGE;
    }
    List<Change> changes;
    try {
      changes = new ArrayList<>(plan());
      Change ignore = GitIgnore.plan(projectDir(), coorddHome());
      if (ignore != null) {
        changes.add(ignore);
      }
    } catch (Refused e) {
      err.println("coordd: " + e.getMessage());
      err.flush();
      return InitCommand.EXIT_USAGE;
    } catch (IOException e) {
      err.println("coordd: " + e.getMessage());
      err.flush();
      return InitCommand.EXIT_FAILED;
    }
    for (Change c : changes) {
      if (!dryRun && c.changed()) {
        try {
          ConfigFiles.writeAtomically(c.file(), c.after(), c.newFileMode());
        } catch (IOException e) {
          err.println("coordd: cannot write " + c.file() + ": " + e.getMessage());
          err.flush();
          return InitCommand.EXIT_FAILED;
        }
      }
      out.println(c.report(display(c.file()), dryRun));
    }
    for (String note : notes()) {
      out.println(note);
    }
    for (String warning : pathWarning()) {
      out.println(warning);
    }
    if (dryRun) {
      out.println("dry run: nothing was written");
    }
    out.flush();
    return InitCommand.EXIT_OK;
  }

  Path projectDir() {
    return dir.toAbsolutePath().normalize();
  }

  Path coorddHome() {
    if (home != null) {
      return home.toAbsolutePath().normalize();
    }
    String env = System.getenv("COORDD_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    return projectDir().resolve(DaemonConfig.DEFAULT_HOME);
  }

  /** A path for people: relative inside the project, absolute elsewhere. */
  String display(Path file) {
    Path p = projectDir();
    return file.startsWith(p) ? p.relativize(file).toString() : file.toString();
  }

  /** {@code --home H} when the agent's default ({@code ./.coordd} in the project) is wrong. */
  List<String> homeArgs() {
    return coorddHome().equals(projectDir().resolve(DaemonConfig.DEFAULT_HOME))
        ? List.of()
        : List.of("--home", coorddHome().toString());
  }

  /** {@link #homeArgs} for a shell command line: empty, or {@code " --home H"}. */
  String homeArgForShell() {
    return homeArgs().isEmpty() ? "" : " --home " + Shell.quote(coorddHome().toString());
  }

  /** The agent kind the sessions of this CLI register as (claude_code, codex, gemini). */
  abstract String kind();

  /** {@code --agent ROLE --kind KIND} when init was given a role, else nothing. */
  List<String> agentArgs() {
    return agent == null ? List.of() : List.of("--agent", agent, "--kind", kind());
  }

  /** The arguments of the coordd MCP server, in every agent CLI's configuration. */
  List<String> mcpServerArgs() {
    List<String> args = new ArrayList<>(List.of("mcp"));
    args.addAll(homeArgs());
    args.addAll(agentArgs());
    return args;
  }

  /** The coordd MCP server entry every JSON-configured CLI takes. */
  ObjectNode mcpServerEntry() {
    ObjectNode entry = Json.MAPPER.createObjectNode();
    entry.put("command", COMMAND);
    ArrayNode args = entry.putArray("args");
    mcpServerArgs().forEach(args::add);
    return entry;
  }

  /**
   * {@code coordd hook session-start|session-end [--home H] [--agent ROLE] --kind KIND}: the same
   * flags for both, so session-end signs off the agent session-start registered.
   */
  String hookCommand(String subcommand) {
    StringBuilder sb = new StringBuilder(COMMAND).append(" hook ").append(subcommand);
    sb.append(homeArgForShell());
    if (agent != null) {
      sb.append(" --agent ").append(Shell.quote(agent));
    }
    return sb.append(" --kind ").append(kind()).toString();
  }

  /**
   * Both hook commands, for {@link SessionHooks#merge}; {@code name} as Gemini CLI shows it, {@code
   * endTimeout} for the SessionEnd handler (null: the CLI's default).
   */
  SessionHooks.Desired sessionHooks(String name, Integer endTimeout) {
    return new SessionHooks.Desired(
        hookCommand("session-start"), hookCommand("session-end"), name, agent != null, endTimeout);
  }

  /**
   * The warning printed when {@code coordd} is not on the PATH: the files name plain {@code coordd}
   * so they work for everyone who shares them, and the agent CLIs will look it up there.
   */
  List<String> pathWarning() {
    if (Launchers.onPath(COMMAND)) {
      return List.of();
    }
    String launcher = System.getenv("COORDD_LAUNCHER");
    String link =
        launcher == null || launcher.isBlank()
            ? "ln -s <your coordd clone>/bin/coordd ~/.local/bin/coordd"
            : "ln -s "
                + Shell.quote(Path.of(launcher).toAbsolutePath().normalize().toString())
                + " ~/.local/bin/coordd";
    return List.of(
        "warning: `coordd` is not on your PATH, so the agent CLIs cannot start the commands"
            + " written above. Put it there before you start a session (see the README's"
            + " install steps), e.g.: "
            + link
            + " (with ~/.local/bin on your PATH); every person who shares this repository"
            + " needs the same.");
  }

  /** The command written into every file: resolved from the PATH of whoever runs the agent. */
  static final String COMMAND = "coordd";
}
