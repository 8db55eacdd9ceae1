package dev.coordd.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Liveness of an agent, derived from its last heartbeat: {@code stale} after three missed beats,
 * {@code offline} when it signed off or has been silent far longer.
 */
public enum AgentStatus {
  ACTIVE,
  STALE,
  OFFLINE;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
