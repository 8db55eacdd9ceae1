package dev.coordd.api;

import java.util.List;

/**
 * What an agent missed: events on its subscriptions (and its own topic {@code agent.<name>}) after
 * its cursor, oldest first. {@code known} is false for a name nobody registered, so an unknown
 * agent never looks like an empty inbox. Acknowledge with {@code ackEvents(agent, seq)}.
 */
public record EventInbox(
    String agent, boolean known, long cursor, List<String> patterns, List<Event> events) {}
