package dev.coordd.daemon.invoke.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;
import java.time.Duration;

/**
 * What an {@link AgentOutput} read from a CLI's stdout, with null for what the CLI does not say.
 *
 * @param text the agent's answer as text
 * @param sessionId the session the agent ran in, for resuming it
 * @param costUsd a JSON number as the CLI printed it
 * @param turns a JSON number: how many turns the agent took
 * @param durationMs the CLI's own figure for the run
 * @param raw the JSON the answer was read from (the result object, the last event, …)
 */
public record AgentResult(
    String text,
    String sessionId,
    JsonNode costUsd,
    JsonNode turns,
    Long durationMs,
    JsonNode raw) {

  /**
   * The answer in the one shape every CLI's is normalised to: {@code {"agentType", "text",
   * "sessionId", "costUsd", "turns", "durationMs", "raw"}}. {@code durationMs} is the CLI's own
   * figure when it reports one, else {@code measured}.
   */
  public JsonNode toJson(String agentType, Duration measured) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("agentType", agentType);
    out.put("text", text);
    out.put("sessionId", sessionId);
    out.set("costUsd", costUsd);
    out.set("turns", turns);
    out.put("durationMs", durationMs != null ? durationMs : measured.toMillis());
    out.set("raw", raw);
    return out;
  }
}
