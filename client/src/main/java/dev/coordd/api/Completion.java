package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One item of {@link CoordinationService#completeTasks}: the arguments of {@link
 * CoordinationService#completeTask} for one claimed task.
 *
 * @param token the claim token the claim returned for this attempt
 * @param result the task's result (null: none)
 */
public record Completion(String id, String agent, String token, JsonNode result) {}
