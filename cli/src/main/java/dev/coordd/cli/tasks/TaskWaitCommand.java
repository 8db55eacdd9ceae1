package dev.coordd.cli.tasks;

import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.config.Durations;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    description = "Wait for a task to finish; exit 0 only if it succeeded.")
final class TaskWaitCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Option(
      names = "--timeout",
      paramLabel = "DUR",
      defaultValue = Cli.FOREVER,
      description = "Give up after this long (default: no limit).")
  Duration timeout;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      return report(spec, common, client.awaitTask(id, timeout.toMillis()), timeout);
    }
  }

  /** Prints the task as it ended (or still is) and turns its status into the exit code. */
  static int report(CommandSpec spec, Common common, Task task, Duration waited) {
    if (common.json) {
      Output.json(spec.commandLine().getOut(), task);
    } else {
      Output.task(spec.commandLine().getOut(), task);
    }
    if (!task.status().isTerminal()) {
      spec.commandLine()
          .getErr()
          .println(
              "coordd: task "
                  + task.id()
                  + " is still "
                  + task.status().wire()
                  + " after "
                  + Durations.format(waited));
    }
    return task.status() == TaskStatus.SUCCEEDED ? 0 : Cli.EXIT_FAILED;
  }
}
