package dev.coordd.cli.tasks;

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
public final class TaskCommand {}
