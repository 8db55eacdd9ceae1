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
        "Claim tasks as an external worker: those assigned to AGENT, those assigned to its role"
            + " (reviewer for reviewer@1a2b3c) and unassigned ones of the given types (any type"
            + " when none is given). Each claimed task prints its token: pass it to task complete"
            + " or task fail with --token.")
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

  @Option(
      names = "--lease",
      paramLabel = "DUR",
      description =
          "Lease the tasks this long, at most 24h (default: the lease configured for the"
              + " agent's kind, else the daemon's leaseDuration). A lease longer than the default"
              + " survives missed heartbeats: for an agent that works for minutes between"
              + " commands.")
  Duration lease;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      List<Task> claimed =
          client.claimTasks(
              agent, types, max, wait.toMillis(), lease == null ? null : lease.toMillis());
      if (common.json) {
        Output.json(spec.commandLine().getOut(), claimed);
      } else if (claimed.isEmpty()) {
        spec.commandLine().getOut().println("nothing to claim for " + agent);
      } else {
        claimed.forEach(
            t -> {
              Output.task(spec.commandLine().getOut(), t);
              spec.commandLine()
                  .getOut()
                  .println(
                      "finish it: coordd task complete "
                          + t.id()
                          + " --agent "
                          + agent
                          + " --token "
                          + t.claimToken()
                          + " (or task fail ... --error TEXT)");
              spec.commandLine().getOut().println();
            });
      }
      return 0;
    }
  }
}
