package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A known agent. {@code id} is assigned at first registration and never changes. {@code role} is
 * the part of a session instance's name before {@code @} ({@code reviewer} for {@code
 * reviewer@1a2b3c}): tasks assigned to the role can be claimed by any of its instances. Null for a
 * plain name.
 */
public record Agent(
    String id,
    String name,
    String role,
    String kind,
    List<String> capabilities,
    JsonNode metadata,
    AgentStatus status,
    long registeredAt,
    long lastHeartbeat) {

  /** The role part of an agent name: before the first {@code @}, or null when there is none. */
  public static String roleOf(String name) {
    if (name == null) {
      return null;
    }
    int at = name.indexOf('@');
    return at > 0 ? name.substring(0, at) : null;
  }
}
