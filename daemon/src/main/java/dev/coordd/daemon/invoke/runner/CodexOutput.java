package dev.coordd.daemon.invoke.runner;

import static dev.coordd.daemon.invoke.runner.AgentOutputException.cut;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;

/**
 * Codex ({@code codex exec --json}): one event per line. The answer is the last agent message:
 * {@code {"type":"item.completed","item":{"type":"agent_message","text":…}}}, or in older versions
 * {@code {"msg":{"type":"agent_message","message":…}}}. The session id comes from {@code
 * thread.started} ({@code thread_id}) or {@code session_configured} ({@code session_id}). A failed
 * turn or an error event after the last message (and not followed by a completed turn) is the
 * agent's error.
 */
final class CodexOutput implements AgentOutput {
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
}
