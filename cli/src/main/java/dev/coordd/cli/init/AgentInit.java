package dev.coordd.cli.init;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.cli.Shell;
import dev.coordd.daemon.config.DaemonConfig;
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

  /** {@code " --home H"} when the agent's default ({@code ./.coordd} in the project) is wrong. */
  String homeArgForShell() {
    return coorddHome().equals(projectDir().resolve(DaemonConfig.DEFAULT_HOME))
        ? ""
        : " --home " + Shell.quote(coorddHome().toString());
  }

  /** The arguments of the coordd MCP server, in every agent CLI's configuration. */
  List<String> mcpServerArgs() {
    return List.of("mcp", "--home", coorddHome().toString());
  }

  /** The coordd MCP server entry every JSON-configured CLI takes. */
  ObjectNode mcpServerEntry() {
    ObjectNode entry = Json.MAPPER.createObjectNode();
    entry.put("command", launcher());
    ArrayNode args = entry.putArray("args");
    mcpServerArgs().forEach(args::add);
    return entry;
  }

  /** The command agents should run: {@code $COORDD_LAUNCHER} (set by bin/coordd), else coordd. */
  static String launcher() {
    String env = System.getenv("COORDD_LAUNCHER");
    if (env == null || env.isBlank()) {
      return "coordd";
    }
    return Path.of(env).toAbsolutePath().normalize().toString();
  }
}
