package dev.coordd.daemon.config;

import dev.coordd.api.CoorddException;
import java.util.List;

/**
 * The configuration cannot be used. Carries every problem found, not just the first, so one edit
 * fixes them all; each problem says where the value came from, the key, the value and what is
 * allowed.
 */
public class ConfigException extends CoorddException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("config", message(problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, in the order found: config.json, then environment, then options. */
  public List<String> problems() {
    return problems;
  }

  private static String message(List<String> problems) {
    if (problems.size() == 1) {
      return "invalid configuration: " + problems.get(0);
    }
    var out = new StringBuilder("invalid configuration (" + problems.size() + " problems):");
    problems.forEach(p -> out.append("\n  - ").append(p));
    return out.toString();
  }
}
