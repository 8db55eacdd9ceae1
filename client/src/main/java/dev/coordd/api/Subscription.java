package dev.coordd.api;

/**
 * An agent's standing interest in a topic pattern: segments separated by dots, {@code *} matching
 * one segment and a final {@code >} matching one or more (e.g. {@code build.*}, {@code repo.>}).
 */
public record Subscription(String agent, String pattern, long createdAt) {}
