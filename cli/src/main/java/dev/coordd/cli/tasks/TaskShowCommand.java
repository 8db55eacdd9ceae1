package dev.coordd.cli.tasks;

import dev.coordd.api.Task;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show a task with every attempt's outcome.")
final class TaskShowCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      Task task = client.getTask(id);
      if (common.json) {
        Output.json(spec.commandLine().getOut(), task);
      } else {
        Output.task(spec.commandLine().getOut(), task);
      }
      return 0;
    }
  }
}
