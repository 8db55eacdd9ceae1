package dev.coordd.cli.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One answer of the fake model, whatever the wire protocol: some text, or a call of one tool with
 * its arguments (then the CLI runs the tool and asks again with its result).
 *
 * @param text what the model says; may be empty next to a tool call
 * @param tool the tool to call, as the CLI named it to the model; null for a final answer
 * @param input the tool's arguments; null when no tool is called
 */
public record Turn(String text, String tool, ObjectNode input) {
  public static Turn say(String text) {
    return new Turn(text, null, null);
  }

  public static Turn call(String tool, ObjectNode input) {
    return new Turn("", tool, input);
  }

  public boolean callsTool() {
    return tool != null;
  }
}
