package dev.coordd.cli;

import dev.coordd.api.CoorddException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.cli.check.CheckCommand;
import dev.coordd.cli.events.EventCommand;
import dev.coordd.cli.events.InboxCommand;
import dev.coordd.cli.hooks.HookCommand;
import dev.coordd.cli.init.InitCommand;
import dev.coordd.cli.locks.LockCommand;
import dev.coordd.cli.mcp.McpCommand;
import dev.coordd.cli.schedules.ScheduleCommand;
import dev.coordd.cli.service.ServiceCommand;
import dev.coordd.cli.tasks.TaskCommand;
import dev.coordd.daemon.config.Durations;
import java.time.Duration;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code coordd} command. Exit codes: 0 ok, 1 the operation or the task failed, 2 usage error,
 * 3 no daemon running. Errors are mapped here, once, from the exception types.
 */
@Command(
    name = "coordd",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Coordination daemon for AI coding agents and worker processes.",
    subcommands = {
      DaemonCommand.class,
      TaskCommand.class,
      AgentCommand.class,
      QueueCommand.class,
      LockCommand.class,
      ScheduleCommand.class,
      EventCommand.class,
      InboxCommand.class,
      CheckCommand.class,
      HookCommand.class,
      InitCommand.class,
      McpCommand.class,
      StatusCommand.class,
      StopCommand.class,
      ServiceCommand.class,
      AgentsCommand.class,
      StatsCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests call {@code execute} on it with captured streams. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExpandAtFiles(false); // "@file" is ours: --data @file means the file's JSON
    cl.registerConverter(Duration.class, Durations::parse);
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("coordd: " + message(e));
          cmd.getErr().flush();
          return exitCode(e);
        });
    CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler(
        (e, args) -> {
          if (HookCommand.isSessionStart(e.getCommandLine())) {
            // A hook must never break the session that runs it, even when its own flags are wrong.
            e.getCommandLine().getOut().println(HookCommand.usageFailure(e.getMessage()));
            e.getCommandLine().getOut().flush();
            e.getCommandLine().getErr().println("coordd: " + e.getMessage());
            return 0;
          }
          return usage.handleParseException(e, args);
        });
    CommandLine completion = cl.getSubcommands().get("generate-completion");
    completion.getCommandSpec().usageMessage().hidden(false);
    return cl;
  }

  private static String message(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  static int exitCode(Exception e) {
    return switch (e) {
      case DaemonNotRunningException x -> Cli.EXIT_NO_DAEMON;
      case InvalidRequestException x -> Cli.EXIT_USAGE;
      case IllegalArgumentException x -> Cli.EXIT_USAGE;
      case CoorddException x -> Cli.EXIT_FAILED;
      default -> Cli.EXIT_FAILED;
    };
  }

  /** The version in the jar's manifest; a build from the source tree has none. */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"coordd " + version()};
    }
  }
}
