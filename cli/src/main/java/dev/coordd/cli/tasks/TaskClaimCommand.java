package dev.coordd.cli.tasks;

import dev.coordd.api.Task;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coordd task claim}: an external worker takes tasks; it must complete or fail them. */
@Command(
    name = "claim",
    mixinStandardHelpOptions = true,
    description =
        "Claim tasks as an external worker: those assigned to AGENT and unassigned ones"
            + " of the given types (any type when none is given).")
final class TaskClaimCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Option(names = "--agent", required = true, paramLabel = "NAME")
  String agent;

  @Option(names = "--type", paramLabel = "TYPE", description = "A task type to take; repeatable.")
  List<String> types = List.of();

  @Option(
      names = "--max",
      paramLabel = "N",
      defaultValue = "1",
      description = "Claim up to N tasks (default 1).")
  int max;

  @Option(
      names = "--wait",
      paramLabel = "DUR",
      defaultValue = "0s",
      description = "When nothing is due, wait this long for work (default: answer at once).")
  Duration wait;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      List<Task> claimed = client.claimTasks(agent, types, max, wait.toMillis());
      if (common.json) {
        Output.json(spec.commandLine().getOut(), claimed);
      } else if (claimed.isEmpty()) {
        spec.commandLine().getOut().println("nothing to claim for " + agent);
      } else {
        claimed.forEach(
            t -> {
              Output.task(spec.commandLine().getOut(), t);
              spec.commandLine().getOut().println();
            });
      }
      return 0;
    }
  }
}
