package dev.coordd.cli;

import dev.coordd.api.Stats;
import dev.coordd.client.CoorddClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Daemon, agent and queue statistics (the original's JSON shape with --json).")
final class StatsCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      Stats s = client.stats();
      PrintWriter out = spec.commandLine().getOut();
      if (common.json) {
        Output.json(out, s);
        return 0;
      }
      out.printf(
          "daemon   %s (agent id %s), up %ds, %s%n",
          s.daemon().name(),
          s.daemon().agentId(),
          s.daemon().uptime(),
          s.daemon().running() ? "running" : "stopping");
      out.printf(
          "agents   %d known: %d active, %d stale, %d offline%n",
          s.agents().knownAgents(),
          s.agents().activeAgents(),
          s.agents().staleAgents(),
          s.agents().offlineAgents());
      var c = s.coordination();
      out.printf(
          "tasks    %d queued, %d running, %d waiting, %d succeeded, %d failed,"
              + " %d cancelled%n",
          c.queuedTasks(),
          c.activeTasks(),
          c.waitingTasks(),
          c.completedTasks(),
          c.failedTasks(),
          c.cancelledTasks());
      out.flush();
      return 0;
    }
  }
}
