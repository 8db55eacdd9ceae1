package dev.coordd.daemon.invoke.runner;

/**
 * Why an {@link AgentOutput} could not give an answer: either stdout holds none ({@code
 * invalid_result}, which {@link AgentRunner} completes with the start of stdout and the end of
 * stderr) or the agent reported that it failed ({@code agent_error}). Both are retryable.
 */
public final class AgentOutputException extends Exception {
  /** Cap on what an agent's own error message adds to ours. */
  static final int MAX_DETAIL_CHARS = 2048;

  private final boolean agentError;

  private AgentOutputException(String message, boolean agentError) {
    super(message);
    this.agentError = agentError;
  }

  /** Stdout holds no answer in this format, e.g. "no result line in claude output". */
  public static AgentOutputException noAnswer(String message) {
    return new AgentOutputException(message, false);
  }

  /** The agent answered that it failed; the message should say what it said. */
  public static AgentOutputException agentError(String message) {
    return new AgentOutputException(message, true);
  }

  /** True for the agent's own error, false for output holding no answer. */
  public boolean agentError() {
    return agentError;
  }

  /** An agent's message cut to {@link #MAX_DETAIL_CHARS}, so a runaway one cannot flood ours. */
  static String cut(String s) {
    return s.length() > MAX_DETAIL_CHARS ? s.substring(0, MAX_DETAIL_CHARS) + "…" : s;
  }
}
