package dev.coordd.cli.mcp;

import static dev.coordd.cli.mcp.ToolSchemas.integer;
import static dev.coordd.cli.mcp.ToolSchemas.props;
import static dev.coordd.cli.mcp.ToolSchemas.str;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.Invocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The invocation tools: an AI agent session lists, takes and finishes pending invocations. */
final class InvocationTools {
  /** A listed command is cut here; invocation_process returns it whole. */
  static final int LISTED_COMMAND_CHARS = 300;

  private InvocationTools() {}

  static final List<ToolDef> DEFS =
      List.of(
          ToolDef.of(
              "invocation_list",
              "List invocations waiting for an AI agent session (commands cut).",
              List.of(),
              props("max", integer()),
              InvocationTools::list),
          ToolDef.of(
              "invocation_process",
              "Take a pending invocation for agent; returns it in full.",
              List.of("id", "agent"),
              props("id", str(), "agent", str()),
              (a, s) -> s.processInvocation(a.requiredString("id"), a.requiredString("agent"))),
          ToolDef.of(
              "invocation_complete",
              "Finish an invocation with its result; its task succeeds.",
              List.of("id"),
              props("id", str(), "result", Map.of()),
              (a, s) -> s.completeInvocation(a.requiredString("id"), a.json("result"))),
          ToolDef.of(
              "invocation_fail",
              "Fail an invocation with an error; its task fails.",
              List.of("id", "error"),
              props("id", str(), "error", str()),
              (a, s) -> s.failInvocation(a.requiredString("id"), a.requiredString("error"))));

  /** Oldest first, each command cut short: invocation_process returns one in full. */
  private static Object list(Args a, CoordinationService s) {
    Integer max = a.integer("max", 1, 1_000);
    List<Invocation> pending = s.listInvocations();
    if (pending.isEmpty()) {
      return "no pending invocations";
    }
    List<Map<String, Object>> shown = new ArrayList<>();
    for (Invocation i : pending.subList(0, Math.min(pending.size(), max == null ? 20 : max))) {
      String command =
          i.command().length() <= LISTED_COMMAND_CHARS
              ? i.command()
              : i.command().substring(0, LISTED_COMMAND_CHARS)
                  + "… ("
                  + i.command().length()
                  + " chars; invocation_process shows all)";
      shown.add(
          props(
              "id",
              i.id(),
              "taskId",
              i.taskId(),
              "agentType",
              i.agentType(),
              "createdAt",
              i.createdAt(),
              "command",
              command));
    }
    return pending.size() > shown.size()
        ? props("invocations", shown, "more", pending.size() - shown.size())
        : shown;
  }
}
