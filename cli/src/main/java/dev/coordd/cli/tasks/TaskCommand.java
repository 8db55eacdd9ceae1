package dev.coordd.cli.tasks;

import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code coordd task …}: create, inspect and work on tasks. */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description =
        "Create, list, show, wait for, cancel and retry tasks; claim and finish them as a worker.",
    subcommands = {
      TaskCreateCommand.class,
      TaskListCommand.class,
      TaskShowCommand.class,
      TaskWaitCommand.class,
      TaskCancelCommand.class,
      TaskRetryCommand.class,
      TaskClaimCommand.class,
      TaskCompleteCommand.class,
      TaskFailCommand.class
    })
public final class TaskCommand {
  private TaskCommand() {}

  /**
   * {@code task claim} or {@code task complete} with plain arguments, without picocli (cli
   * FastPath); -1, with nothing done, when picocli must read them.
   */
  public static int plain(String[] args, PrintWriter out) {
    if (args.length < 2) {
      return -1;
    }
    return switch (args[1]) {
      case "claim" -> TaskClaimCommand.plain(args, out);
      case "complete" -> TaskCompleteCommand.plain(args, out);
      default -> -1;
    };
  }
}
