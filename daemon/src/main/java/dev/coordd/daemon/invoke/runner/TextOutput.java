package dev.coordd.daemon.invoke.runner;

/** Any program printing text: all of stdout, stripped, is the answer; a cut one is not. */
final class TextOutput implements AgentOutput {
  @Override
  public String name() {
    return "text";
  }

  @Override
  public boolean answerAtEnd() {
    return false;
  }

  @Override
  public AgentResult read(String agentType, String stdout, boolean complete)
      throws AgentOutputException {
    if (!complete) {
      throw AgentOutputException.noAnswer(agentType + " output is incomplete");
    }
    return new AgentResult(stdout.strip(), null, null, null, null, null);
  }
}
