package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Registers an agent by name, or refreshes it. {@code capabilities} are the task types it can
 * claim; an unassigned task of a type nobody handles is accepted only if some agent lists it.
 */
public record AgentRegistration(
    String name, String kind, List<String> capabilities, JsonNode metadata) {

  public static AgentRegistration of(String name) {
    return new AgentRegistration(name, null, List.of(), null);
  }
}
