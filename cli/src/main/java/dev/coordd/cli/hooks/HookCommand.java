package dev.coordd.cli.hooks;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code coordd hook …}: entry points that agent CLIs run themselves. A hook must never break the
 * session that runs it, so every failure here still ends in valid hook output and exit 0.
 */
@Command(
    name = "hook",
    mixinStandardHelpOptions = true,
    description =
        "Entry points for agent hooks (run by Claude Code, Codex and Gemini CLI, not by people).",
    subcommands = {SessionStartCommand.class, SessionEndCommand.class})
public final class HookCommand {
  private HookCommand() {}

  /**
   * The hook output for a session-start hook whose own command line is wrong: still valid JSON on
   * stdout (and exit 0, chosen by the caller), so a misconfigured hook never breaks the session.
   */
  public static String usageFailure(String message) {
    return HookOutput.sessionStart(
        "coordd could not run its session-start hook: "
            + message
            + " (check the hook command in the agent's settings).");
  }

  /**
   * {@code hook session-start} with the options from {@code args[from]} on, without picocli, when
   * they are all plain (cli FastPath); -1, with nothing done, when picocli must read them.
   */
  public static int sessionStart(String[] args, int from, PrintWriter out, PrintWriter err) {
    return SessionStartCommand.plain(args, from, out, err);
  }

  /** True for the session-start hook's command line. */
  public static boolean isSessionStart(CommandLine commandLine) {
    return commandLine.getCommandSpec().userObject() instanceof SessionStartCommand;
  }
}
