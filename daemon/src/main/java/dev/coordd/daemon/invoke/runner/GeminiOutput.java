package dev.coordd.daemon.invoke.runner;

import static dev.coordd.daemon.invoke.runner.AgentOutputException.cut;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Gemini CLI ({@code gemini -p … --output-format json}): {@code {"response": …, "stats": {…}}}, or
 * {@code {"error": {"message": …}}} when it failed. Some versions print notices before the JSON;
 * the object is then the last line.
 *
 * <p>When it fails on an API error (Gemini CLI 0.61.0 on a 401: exit 145), it prints nothing on
 * stdout and ends stderr, after its stack traces, with {@code {"session_id": …, "error": {"type":
 * …, "message": …, "code": 401}}}: that is its error too (see {@link #errorOnFailure}).
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
    AgentOutputException error = agentError(agentType, whole);
    if (error != null && !whole.path("response").isTextual()) {
      throw error;
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

  /** Its error on stdout, as {@link #read} finds it, else the error object ending stderr. */
  @Override
  public AgentOutputException errorOnFailure(
      String agentType, String stdout, boolean complete, String stderrTail) {
    AgentOutputException onStdout =
        AgentOutput.super.errorOnFailure(agentType, stdout, complete, stderrTail);
    if (onStdout != null) {
      return onStdout;
    }
    JsonNode last = StdoutJson.objectAtEnd(stderrTail);
    return last == null || last.path("response").isTextual() ? null : agentError(agentType, last);
  }

  /**
   * The agent's error for an object holding a non-null {@code error}, naming the session (which
   * {@code --resume} continues) when the object says it; else null.
   */
  private static AgentOutputException agentError(String agentType, JsonNode object) {
    JsonNode error = object.get("error");
    if (error == null || error.isNull()) {
      return null;
    }
    JsonNode code = error.path("code");
    String sessionId = StdoutJson.textOrNull(object.get("session_id"));
    return AgentOutputException.agentError(
        agentType
            + " reported an error"
            + (code.isNumber() || code.isTextual() ? " (" + code.asText() + ")" : "")
            + (sessionId == null ? "" : " in session " + sessionId)
            + ": "
            + cut(error.path("message").asText(error.toString())));
  }
}
