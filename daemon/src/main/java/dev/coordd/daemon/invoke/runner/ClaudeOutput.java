package dev.coordd.daemon.invoke.runner;

import static dev.coordd.daemon.invoke.runner.AgentOutputException.cut;
import static dev.coordd.daemon.invoke.runner.StdoutJson.numberOrNull;
import static dev.coordd.daemon.invoke.runner.StdoutJson.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Claude Code ({@code claude -p}): {@code --output-format json} prints the result object (or, with
 * {@code --verbose}, an array of every message ending in it); {@code stream-json} prints one
 * message per line, the result last. The last object of type "result" is the answer; {@code
 * is_error} or a subtype other than {@code success} is the agent's error.
 */
final class ClaudeOutput implements AgentOutput {
  @Override
  public String name() {
    return "claude";
  }

  @Override
  public boolean answerAtEnd() {
    return true;
  }

  @Override
  public AgentResult read(String agentType, String stdout, boolean complete)
      throws AgentOutputException {
    JsonNode result = lastResult(stdout);
    if (result == null) {
      throw AgentOutputException.noAnswer("no result line in " + agentType + " output");
    }
    String text = textOrNull(result.get("result"));
    String sessionId = textOrNull(result.get("session_id"));
    String subtype = textOrNull(result.get("subtype"));
    if (result.path("is_error").asBoolean(false)
        || (subtype != null && !subtype.equals("success"))) {
      throw AgentOutputException.agentError(
          agentType
              + " reported an error"
              + (subtype == null ? "" : " (" + subtype + ")")
              + (sessionId == null ? "" : " in session " + sessionId)
              + ": "
              + (text == null ? cut(result.toString()) : cut(text)));
    }
    JsonNode denied = result.path("permission_denials");
    if (denied.isArray() && !denied.isEmpty()) {
      // Headless, a tool call nobody approved is refused and the run still "succeeds": the work
      // the task asked for was not done, so this is a failure, and it says how to allow the tools.
      throw AgentOutputException.agentError(
          agentType
              + " was denied "
              + denied.size()
              + " tool call(s) ("
              + deniedTools(denied)
              + ")"
              + (sessionId == null ? "" : " in session " + sessionId)
              + ", so the work was not done: allow them for headless runs (e.g. claude"
              + " --allowedTools mcp__coordd, which allows every coordd tool, or a permissions"
              + " allow-list in .claude/settings.json)");
    }
    JsonNode cost =
        result.has("total_cost_usd") ? result.get("total_cost_usd") : result.get("cost_usd");
    JsonNode duration = result.get("duration_ms");
    return new AgentResult(
        text,
        sessionId,
        numberOrNull(cost),
        numberOrNull(result.get("num_turns")),
        duration != null && duration.canConvertToLong() ? duration.longValue() : null,
        result);
  }

  /** The distinct names of the denied tools, in order, for the message. */
  private static String deniedTools(JsonNode denied) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode d : denied) {
      names.add(d.path("tool_name").asText("?"));
    }
    return String.join(", ", names);
  }

  /** The result object, the last one in an array of messages, or the last result line. */
  private static JsonNode lastResult(String stdout) {
    JsonNode whole = StdoutJson.whole(stdout);
    if (whole != null && whole.isObject() && isResult(whole)) {
      return whole;
    }
    if (whole != null && whole.isArray()) {
      JsonNode result = null;
      for (JsonNode message : whole) {
        if (message.isObject() && isResult(message)) {
          result = message;
        }
      }
      return result;
    }
    List<String> lines = StdoutJson.lines(stdout);
    for (int i = lines.size() - 1; i >= 0; i--) {
      JsonNode node = StdoutJson.line(lines.get(i));
      if (node != null && node.isObject() && isResult(node)) {
        return node;
      }
    }
    return null;
  }

  private static boolean isResult(JsonNode node) {
    return "result".equals(node.path("type").asText(null));
  }
}
