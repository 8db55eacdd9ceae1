package dev.coordd.daemon.invoke.runner;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Any program printing JSON: the whole stdout if it is one value, else its last line. The value is
 * the answer's {@code raw}; there is no text.
 */
final class JsonOutput implements AgentOutput {
  @Override
  public String name() {
    return "json";
  }

  @Override
  public boolean answerAtEnd() {
    return true;
  }

  @Override
  public AgentResult read(String agentType, String stdout, boolean complete)
      throws AgentOutputException {
    JsonNode value = StdoutJson.wholeOrLastLine(stdout);
    if (value == null) {
      throw AgentOutputException.noAnswer("no JSON value at the end of " + agentType + " output");
    }
    return new AgentResult(null, null, null, null, null, value);
  }
}
