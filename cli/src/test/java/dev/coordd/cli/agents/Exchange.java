package dev.coordd.cli.agents;

import java.util.List;

/**
 * What the fake model was asked, whatever the wire protocol: how far the conversation is, what the
 * tools answered so far, and the tools offered.
 *
 * @param turn how many answers the model already gave in this conversation (0 for the first)
 * @param toolResults the text of every tool result in the conversation, oldest first
 * @param tools the names of the tools the CLI offered
 * @param body the raw request body
 */
public record Exchange(int turn, List<String> toolResults, List<String> tools, String body) {
  public String lastToolResult() {
    return toolResults.isEmpty() ? null : toolResults.getLast();
  }
}
