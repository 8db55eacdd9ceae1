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
}
