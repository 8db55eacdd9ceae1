package dev.coordd.cli.mcp;

import static dev.coordd.cli.mcp.ToolSchemas.bool;
import static dev.coordd.cli.mcp.ToolSchemas.duration;
import static dev.coordd.cli.mcp.ToolSchemas.integer;
import static dev.coordd.cli.mcp.ToolSchemas.obj;
import static dev.coordd.cli.mcp.ToolSchemas.props;
import static dev.coordd.cli.mcp.ToolSchemas.str;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.EventInbox;
import java.util.List;

/** The event tools: publish an event, read (and acknowledge) an agent's event inbox. */
final class EventTools {
  private EventTools() {}

  static final List<ToolDef> DEFS =
      List.of(
          ToolDef.of(
              "event_publish",
              "Publish an event; agent.NAME topics are direct messages.",
              List.of("topic"),
              props("topic", str(), "data", obj(), "source", str()),
              (a, s) -> s.publish(a.requiredString("topic"), a.object("data"), a.string("source"))),
          ToolDef.of(
              "event_inbox",
              "Events the agent has not acknowledged; ack marks them read.",
              List.of("agent"),
              props("agent", str(), "max", integer(), "wait", duration(), "ack", bool()),
              EventTools::inbox));

  private static Object inbox(Args a, CoordinationService s) {
    String agent = a.requiredString("agent");
    Integer max = a.integer("max", 1, 1_000);
    Long waitMs = a.duration("wait", CoorddTools.MAX_WAIT_SECONDS);
    boolean ack = a.bool("ack");
    EventInbox inbox = s.inbox(agent, max == null ? 50 : max, waitMs == null ? 0 : waitMs);
    if (!inbox.known()) {
      return "no events for agent '" + agent + "' — " + AgentTools.unknown(agent);
    }
    if (inbox.events().isEmpty()) {
      return "no unacknowledged events for agent '"
          + agent
          + "' (subscribed to "
          + inbox.patterns()
          + ")";
    }
    if (ack) {
      s.ackEvents(agent, inbox.events().get(inbox.events().size() - 1).seq());
    }
    return inbox;
  }
}
