package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A published event. {@code seq} increases with every event, so a reader's cursor is simply the
 * last sequence number it has seen. A direct message is an event on the topic {@code agent.<name>}.
 */
public record Event(long seq, String topic, JsonNode data, String source, long createdAt) {}
