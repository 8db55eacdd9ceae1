package dev.coordd.cli;

import dev.coordd.api.CoorddException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.cli.check.CheckCommand;
import dev.coordd.cli.doctor.DoctorCommand;
import dev.coordd.cli.events.EventCommand;
import dev.coordd.cli.events.InboxCommand;
import dev.coordd.cli.hooks.HookCommand;
import dev.coordd.cli.init.InitCommand;
import dev.coordd.cli.locks.LockCommand;
import dev.coordd.cli.mcp.McpCommand;
import dev.coordd.cli.schedules.ScheduleCommand;
import dev.coordd.cli.service.ServiceCommand;
import dev.coordd.cli.store.StoreCommand;
import dev.coordd.cli.tasks.TaskCommand;
import dev.coordd.daemon.config.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
    description = "Coordination daemon for AI coding agents and worker processes.")
public final class Main {
  /**
   * The subcommands by name, in the order the usage lists them. Picocli reads the annotations of a
   * whole command tree when it is built, which was most of a short command's start-up: {@link
   * #main} builds only the branch the arguments name.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("daemon", DaemonCommand.class);
    m.put("task", TaskCommand.class);
    m.put("agent", AgentCommand.class);
    m.put("queue", QueueCommand.class);
    m.put("lock", LockCommand.class);
    m.put("schedule", ScheduleCommand.class);
    m.put("event", EventCommand.class);
    m.put("inbox", InboxCommand.class);
    m.put("check", CheckCommand.class);
    m.put("hook", HookCommand.class);
    m.put("init", InitCommand.class);
    m.put("mcp", McpCommand.class);
    m.put("status", StatusCommand.class);
    m.put("stop", StopCommand.class);
    m.put("service", ServiceCommand.class);
    m.put("doctor", DoctorCommand.class);
    m.put("store", StoreCommand.class);
    m.put("agents", AgentsCommand.class);
    m.put("stats", StatsCommand.class);
    m.put("dashboard", DashboardCommand.class);
    m.put("bench", BenchCommand.class);
    m.put("generate-completion", AutoComplete.GenerateCompletion.class);
    m.put("help", CommandLine.HelpCommand.class);
    return Collections.unmodifiableMap(m);
  }

  public static void main(String[] args) {
    String first = args.length == 0 ? "" : args[0];
    if (!first.equals("daemon")) {
      ClientLogs.install(); // only the daemon starts logback
    }
    if (FastPath.handled(args)) {
      return; // not reached: it ran what agents run most without picocli, and halted
    }
    // help and completion describe the whole tree; anything unknown gets the full usage error
    boolean one =
        SUBCOMMANDS.containsKey(first)
            && !first.equals("help")
            && !first.equals("generate-completion");
    int code = commandLine(one ? first : null).execute(args);
    if (first.equals("daemon") || first.equals("mcp")) {
      System.exit(code); // their shutdown hooks stop the daemon, sign the session off
    }
    // Any other command is done and registered no shutdown hook. System.exit would first set up
    // the JDK's System.Logger to log the exit, ~17 ms of a short command (bench/startup.md).
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  /** The configured command line; tests call {@code execute} on it with captured streams. */
  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /** The command line with every subcommand, or only {@code only} (its options and usage alike). */
  static CommandLine commandLine(String only) {
    CommandLine cl = new CommandLine(new Main());
    SUBCOMMANDS.forEach(
        (name, type) -> {
          if (only == null || only.equals(name)) {
            cl.addSubcommand(name, type);
          }
        });
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
    if (completion != null) {
      completion.getCommandSpec().usageMessage().hidden(false);
    }
    return cl;
  }

  static String message(Exception e) {
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
