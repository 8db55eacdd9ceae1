package dev.coordd.daemon.invoke.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The output formats an agent runner can read, by the name {@code agentRunners.*.output} uses. */
public final class AgentOutputs {
  private static final Map<String, AgentOutput> BY_NAME = new LinkedHashMap<>();

  static {
    // One line per format; the order is the one error messages and docs list them in.
    register(new ClaudeOutput());
    register(new CodexOutput());
    register(new GeminiOutput());
    register(new JsonOutput());
    register(new TextOutput());
  }

  private AgentOutputs() {}

  private static void register(AgentOutput output) {
    if (BY_NAME.putIfAbsent(output.name(), output) != null) {
      throw new IllegalStateException("two agent output formats named " + output.name());
    }
  }

  /** Every format's name, e.g. to validate {@code agentRunners.*.output} in the config. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The format of that name, or empty when there is none. */
  public static Optional<AgentOutput> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }
}
