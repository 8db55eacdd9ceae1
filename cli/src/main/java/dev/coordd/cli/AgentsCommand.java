package dev.coordd.cli;

import dev.coordd.api.Agent;
import dev.coordd.client.CoorddClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    description = "List known agents and whether they are alive.")
final class AgentsCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      List<Agent> agents = client.listAgents();
      if (common.json) {
        Output.json(spec.commandLine().getOut(), agents);
      } else {
        Output.agentTable(spec.commandLine().getOut(), agents);
      }
      return 0;
    }
  }
}
