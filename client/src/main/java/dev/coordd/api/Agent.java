package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A known agent. {@code id} is assigned at first registration and never changes. */
public record Agent(
    String id,
    String name,
    String kind,
    List<String> capabilities,
    JsonNode metadata,
    AgentStatus status,
    long registeredAt,
    long lastHeartbeat) {}
