package dev.coordd.daemon.invoke.runner;

import static dev.coordd.daemon.invoke.runner.AgentOutputException.cut;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Codex ({@code codex exec --json}): one event per line. The answer is the last agent message:
 * {@code {"type":"item.completed","item":{"type":"agent_message","text":…}}}, or in older versions
 * {@code {"msg":{"type":"agent_message","message":…}}}. The session id comes from {@code
 * thread.started} ({@code thread_id}) or {@code session_configured} ({@code session_id}). A failed
 * turn or an error event after the last message (and not followed by a completed turn) is the
 * agent's error.
 *
 * <p>A tool call Codex refused to make is a failure too, as Claude Code's {@code
 * permission_denials} are: headless ({@code codex exec}, approval policy {@code never}) an MCP tool
 * call nobody approved ahead fails as {@code {"type":"mcp_tool_call","status":"failed","error":
 * {"message":"MCP tool call requires approval, but approval policy is never"}}}, the agent says it
 * could not do it, and the run still exits 0 with a completed turn. A tool call that ran and
 * answered an error ({@code "status":"failed"} with the tool's {@code result} and no {@code error})
 * is not: the agent saw the answer and went on, as with a failed command.
 */
final class CodexOutput implements AgentOutput {
  /**
   * What Codex says when it refuses a call rather than making it: "requires approval" (policy
   * {@code never}), a reviewer or user that rejected, denied or declined it. Anything else (a
   * timeout, a server gone) is a tool that failed, which the agent may get over.
   */
  private static final Pattern REFUSAL = Pattern.compile("approv|reject|denied|declined");

  @Override
  public String name() {
    return "codex";
  }

  @Override
  public boolean answerAtEnd() {
    return true;
  }

  @Override
  public AgentResult read(String agentType, String stdout, boolean complete)
      throws AgentOutputException {
    String text = null;
    JsonNode raw = null;
    String sessionId = null;
    String error = null; // the latest error not followed by a message
    int turns = 0;
    List<JsonNode> refused = new ArrayList<>(); // tool calls Codex refused to make
    for (String line : StdoutJson.lines(stdout)) {
      JsonNode event = StdoutJson.line(line);
      if (event == null || !event.isObject()) {
        continue;
      }
      String type = event.path("type").asText("");
      JsonNode msg = event.path("msg");
      String msgType = msg.path("type").asText("");
      if (type.equals("thread.started") && event.path("thread_id").isTextual()) {
        sessionId = event.get("thread_id").textValue();
      } else if (msgType.equals("session_configured") && msg.path("session_id").isTextual()) {
        sessionId = msg.get("session_id").textValue();
      } else if (type.equals("session_configured") && event.path("session_id").isTextual()) {
        sessionId = event.get("session_id").textValue();
      } else if (type.equals("item.completed")
          && event.path("item").path("type").asText("").equals("agent_message")
          && event.path("item").path("text").isTextual()) {
        text = event.get("item").get("text").textValue();
        raw = event;
        error = null;
      } else if (msgType.equals("agent_message") && msg.path("message").isTextual()) {
        text = msg.get("message").textValue();
        raw = event;
        error = null;
      } else if (type.equals("item.completed") && isRefusedToolCall(event.path("item"))) {
        refused.add(event.get("item"));
      } else if (type.equals("turn.completed") || msgType.equals("task_complete")) {
        turns++;
        error = null; // the turn got over whatever went wrong in it
      } else if (type.equals("turn.failed")) {
        error = event.path("error").path("message").asText(event.toString());
      } else if (type.equals("error")) {
        error = event.path("message").asText(event.toString());
      } else if (msgType.equals("error")) {
        error = msg.path("message").asText(msg.toString());
      }
    }
    if (error != null) {
      throw AgentOutputException.agentError(
          agentType
              + " reported an error"
              + (sessionId == null ? "" : " in session " + sessionId)
              + ": "
              + cut(error));
    }
    if (!refused.isEmpty()) {
      // The work the task asked for was not done, whatever the agent answered: say how to allow it.
      throw AgentOutputException.agentError(
          agentType
              + " was refused "
              + refused.size()
              + " tool call(s) ("
              + refusedTools(refused)
              + ")"
              + (sessionId == null ? "" : " in session " + sessionId)
              + ", so the work was not done: "
              + cut(refused.getFirst().path("error").path("message").asText())
              + "; approve the server's tools for headless runs (e.g. default_tools_approval_mode"
              + " = \"approve\" under [mcp_servers.coordd] in ~/.codex/config.toml, or codex exec"
              + " -c mcp_servers.coordd.default_tools_approval_mode=\"approve\")");
    }
    if (text == null) {
      throw AgentOutputException.noAnswer("no agent message in " + agentType + " output");
    }
    return new AgentResult(
        text,
        sessionId,
        null,
        turns == 0 ? null : Json.MAPPER.getNodeFactory().numberNode(turns),
        null,
        raw);
  }

  /** A failed MCP tool call whose error (Codex's own, not the tool's answer) is a refusal. */
  private static boolean isRefusedToolCall(JsonNode item) {
    if (!item.path("type").asText("").equals("mcp_tool_call")
        || !item.path("status").asText("").equals("failed")) {
      return false;
    }
    String message = item.path("error").path("message").asText("");
    return REFUSAL.matcher(message.toLowerCase(Locale.ROOT)).find();
  }

  /** The distinct refused tools as server.tool, in order, for the message. */
  private static String refusedTools(List<JsonNode> refused) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode item : refused) {
      names.add(item.path("server").asText("?") + "." + item.path("tool").asText("?"));
    }
    return String.join(", ", names);
  }
}
