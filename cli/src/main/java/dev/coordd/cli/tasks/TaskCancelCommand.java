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
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = "Cancel a queued, waiting or running task (a running handler is interrupted).")
final class TaskCancelCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      Cli.printTaskChange(spec, common, client.cancelTask(id));
      return 0;
    }
  }
}
