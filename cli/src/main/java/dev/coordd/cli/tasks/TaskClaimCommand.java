package dev.coordd.cli.tasks;

import dev.coordd.api.Task;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.cli.PlainArgs;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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

  /** {@code task claim} with plain options without picocli (cli FastPath), or -1. */
  static int plain(String[] args, PrintWriter out) {
    PlainArgs options =
        PlainArgs.parse(
            args,
            2,
            Set.of("--json"),
            Set.of("--home", "--agent", "--max", "--wait", "--lease"),
            Set.of("--type"));
    if (options == null
        || options.value("--agent") == null
        || !PlainArgs.isPath(options.value("--home"))) {
      return -1;
    }
    TaskClaimCommand c = new TaskClaimCommand();
    try {
      c.max = Integer.parseInt(Objects.requireNonNullElse(options.value("--max"), "1"));
      c.wait = Durations.parse(Objects.requireNonNullElse(options.value("--wait"), "0s"));
      String lease = options.value("--lease");
      c.lease = lease == null ? null : Durations.parse(lease);
    } catch (RuntimeException e) {
      return -1; // picocli words the conversion error
    }
    c.common = options.common();
    c.agent = options.value("--agent");
    c.types = List.copyOf(options.values("--type"));
    return c.run(out);
  }

  @Override
  public Integer call() {
    return run(spec.commandLine().getOut());
  }

  private int run(PrintWriter out) {
    try (CoorddClient client = common.connect()) {
      List<Task> claimed =
          client.claimTasks(
              agent, types, max, wait.toMillis(), lease == null ? null : lease.toMillis());
      if (common.json) {
        Output.json(out, claimed);
      } else if (claimed.isEmpty()) {
        out.println("nothing to claim for " + agent);
      } else {
        claimed.forEach(
            t -> {
              Output.task(out, t);
              out.println(
                  "finish it: coordd task complete "
                      + t.id()
                      + " --agent "
                      + agent
                      + " --token "
                      + t.claimToken()
                      + " (or task fail ... --error TEXT)");
              out.println();
            });
      }
      return 0;
    }
  }
}
