package dev.coordd.cli.mcp;

import static dev.coordd.cli.mcp.ToolSchemas.props;
import static dev.coordd.cli.mcp.ToolSchemas.str;
import static dev.coordd.cli.mcp.ToolSchemas.strs;

import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import java.util.List;
import java.util.Optional;

/**
 * The agent tools (register, heartbeat, arrive at a barrier) and stats, plus the agent lookup other
 * tools use to say whether an agent they found nothing for is known at all.
 */
final class AgentTools {
  private AgentTools() {}

  static final List<ToolDef> DEFS =
      List.of(
          ToolDef.of(
              "agent_register",
              "Register an agent by name, or refresh it.",
              List.of("name"),
              props("name", str(), "kind", str(), "capabilities", strs()),
              (a, s) ->
                  s.registerAgent(
                      new AgentRegistration(
                          a.requiredString("name"),
                          a.string("kind"),
                          a.strings("capabilities"),
                          null))),
          ToolDef.of(
              "agent_heartbeat",
              "Record a heartbeat; renews the agent's task leases.",
              List.of("name"),
              props("name", str()),
              (a, s) -> s.heartbeat(a.requiredString("name"))),
          ToolDef.of(
              "barrier_arrive",
              "Arrive at a synchronize_agents barrier as agent.",
              List.of("barrier", "agent"),
              props("barrier", str(), "agent", str()),
              (a, s) -> {
                s.arrive(a.requiredString("barrier"), a.requiredString("agent"));
                return props(
                    "barrier", a.requiredString("barrier"), "arrived", a.requiredString("agent"));
              }));

  static final ToolDef STATS =
      ToolDef.of(
          "stats", "Daemon, agent and task counts.", List.of(), props(), (a, s) -> s.stats());

  /** The registered agent of that name, if any. */
  static Optional<Agent> find(CoordinationService s, String name) {
    return s.listAgents().stream().filter(x -> x.name().equals(name)).findFirst();
  }

  /** The note added to an empty answer about an agent nobody registered: often a typo. */
  static String unknown(String agent) {
    return "note: no agent named '" + agent + "' is registered (register with agent_register)";
  }
}
