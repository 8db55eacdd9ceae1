package dev.coordd.daemon.invoke.runner;

import static dev.coordd.daemon.invoke.runner.AgentOutputException.cut;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Gemini CLI ({@code gemini -p … --output-format json}): {@code {"response": …, "stats": {…}}}, or
 * {@code {"error": {"message": …}}} when it failed. Some versions print notices before the JSON;
 * the object is then the last line.
 */
final class GeminiOutput implements AgentOutput {
  @Override
  public String name() {
    return "gemini";
  }

  /** One (often pretty-printed) object: cut either way it is unreadable, its head says most. */
  @Override
  public boolean answerAtEnd() {
    return false;
  }

  @Override
  public AgentResult read(String agentType, String stdout, boolean complete)
      throws AgentOutputException {
    JsonNode whole = StdoutJson.wholeOrLastLine(stdout);
    if (whole == null || !whole.isObject()) {
      throw AgentOutputException.noAnswer("no JSON object in " + agentType + " output");
    }
    JsonNode error = whole.get("error");
    if (error != null && !error.isNull() && !whole.path("response").isTextual()) {
      throw AgentOutputException.agentError(
          agentType + " reported an error: " + cut(error.path("message").asText(error.toString())));
    }
    if (!whole.path("response").isTextual()) {
      throw AgentOutputException.noAnswer("no \"response\" in " + agentType + " output");
    }
    return new AgentResult(
        whole.get("response").textValue(),
        StdoutJson.textOrNull(whole.get("session_id")),
        null,
        null,
        null,
        whole);
  }
}
