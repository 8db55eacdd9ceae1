package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;

/** One attempt of a task, kept forever with the task: who ran it, how it ended, what it said. */
public record TaskRun(
    int attempt,
    String worker,
    Long startedAt,
    long finishedAt,
    String outcome,
    JsonNode result,
    TaskError error) {}
