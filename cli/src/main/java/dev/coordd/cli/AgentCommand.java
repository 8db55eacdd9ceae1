package dev.coordd.cli;

import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.client.CoorddClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coordd agent register|heartbeat}. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Register an agent or send its heartbeat.",
    subcommands = {AgentCommand.Register.class, AgentCommand.Heartbeat.class})
final class AgentCommand {

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = "Register an agent by name (or refresh it); its id stays the same.")
  static final class Register implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--kind", paramLabel = "KIND", description = "e.g. claude_code, worker.")
    String kind;

    @Option(
        names = "--capability",
        paramLabel = "TYPE",
        description = "A task type this agent can claim; repeatable.")
    List<String> capabilities = List.of();

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        print(
            spec,
            common,
            client.registerAgent(new AgentRegistration(name, kind, capabilities, null)));
        return 0;
      }
    }
  }

  @Command(
      name = "heartbeat",
      mixinStandardHelpOptions = true,
      description = "Record that the agent is alive; renews the leases of its tasks.")
  static final class Heartbeat implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        print(spec, common, client.heartbeat(name));
        return 0;
      }
    }
  }

  static void print(CommandSpec spec, Common common, Agent agent) {
    if (common.json) {
      Output.json(spec.commandLine().getOut(), agent);
    } else {
      spec.commandLine()
          .getOut()
          .println(agent.name() + " " + agent.status().wire() + " (id " + agent.id() + ")");
    }
  }
}
