package dev.coordd.cli.hooks;

import dev.coordd.api.CoorddException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.NotFoundException;
import dev.coordd.cli.Common;
import dev.coordd.client.CoorddClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code SessionEnd} hook of Claude Code, Codex and Gemini CLI: signs the session's agent off,
 * so the tasks it still holds go back to the queue at once (the run history says the session ended)
 * instead of waiting for its lease or its heartbeats to run out. A hook must never break the
 * session: always exit 0.
 */
@Command(
    name = "session-end",
    mixinStandardHelpOptions = true,
    description = {
      "SessionEnd hook of Claude Code, Codex and Gemini CLI: signs this session's agent off;"
          + " the tasks it still holds go back to the queue at once.",
      "Reads the hook input JSON on stdin and names the agent as session-start does (give it"
          + " the same --agent and --kind). Always exits 0."
    })
final class SessionEndCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Option(
      names = "--agent",
      paramLabel = "ROLE",
      description = "The role, as given to session-start (default: as session-start derives it).")
  String agent;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      defaultValue = "claude_code",
      description = "Agent kind, as given to session-start (default: ${DEFAULT-VALUE}).")
  String kind;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      defaultValue = "-",
      description = "Read the hook input from FILE instead of stdin (-).")
  String input;

  @Option(
      names = "--timeout",
      paramLabel = "DUR",
      defaultValue = "5s",
      description = "Give up on reading the input after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      HookInput in = HookInput.parse(HookInput.read(input, timeout));
      Path home = HookSession.home(common == null ? null : common.home, in);
      String name = HookSession.agent(agent, kind, in);
      try (CoorddClient client = CoorddClient.connect(home)) {
        client.signOff(name);
        err.println("coordd: signed off " + name + "; what it held is back in the queue");
      }
    } catch (NotFoundException | DaemonNotRunningException e) {
      // Nothing to hand back: the agent never checked in, or no daemon runs (its leases expire).
      err.println("coordd: " + e.getMessage());
    } catch (CoorddException | IllegalArgumentException e) {
      err.println("coordd: the session-end hook could not sign off: " + e.getMessage());
    }
    err.flush();
    return 0;
  }
}
