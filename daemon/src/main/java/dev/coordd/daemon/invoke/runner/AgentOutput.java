package dev.coordd.daemon.invoke.runner;

/**
 * How to read the answer of one kind of agent CLI from its stdout, named by {@code
 * agentRunners.*.output} in the config. Supporting a new CLI's output is one implementation of this
 * interface plus one line in {@link AgentOutputs}.
 *
 * <p>Implementations are stateless: one instance reads every run of every runner using it.
 */
public interface AgentOutput {
  /** The name the config uses for this format, e.g. {@code claude}. */
  String name();

  /**
   * Whether the answer comes at the end of stdout (a last line, a last event), so that output over
   * {@code maxOutputBytes} keeps its tail rather than its head.
   */
  boolean answerAtEnd();

  /**
   * Reads the answer out of what the CLI printed, once it exited with status 0.
   *
   * @param agentType the runner's name, for messages
   * @param stdout what was kept of stdout
   * @param complete false when stdout was over {@code maxOutputBytes} and part of it was discarded
   * @throws AgentOutputException when stdout holds no answer, or holds the agent's own error
   */
  AgentResult read(String agentType, String stdout, boolean complete) throws AgentOutputException;

  /**
   * The agent's own error in what it printed before exiting non-zero, or null when it printed none
   * (then the exit code is the failure). Real CLIs exit non-zero on their own errors and still
   * print them, with the session id; this default looks for it on stdout, as {@link #read} would. A
   * CLI that prints its error elsewhere (Gemini CLI: at the end of stderr) overrides it.
   *
   * @param agentType the runner's name, for messages
   * @param stdout what was kept of stdout
   * @param complete false when stdout was over {@code maxOutputBytes} and part of it was discarded
   * @param stderrTail the end of stderr, stripped, starting with "…" when more came before it
   * @return an exception for which {@link AgentOutputException#agentError()} is true, or null
   */
  default AgentOutputException errorOnFailure(
      String agentType, String stdout, boolean complete, String stderrTail) {
    try {
      read(agentType, stdout, complete);
    } catch (AgentOutputException e) {
      if (e.agentError()) {
        return e;
      }
    }
    return null;
  }
}
