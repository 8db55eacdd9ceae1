package dev.coordd.cli.tasks;

import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.client.CoorddClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = "Queue a failed or cancelled task again with a fresh attempt budget.")
final class TaskRetryCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      Cli.printTaskChange(spec, common, client.retryTask(id));
      return 0;
    }
  }
}
