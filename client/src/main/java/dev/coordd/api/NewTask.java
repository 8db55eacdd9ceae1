package dev.coordd.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request to create a task. Only {@code type} is required; null fields take the daemon's
 * defaults. Build one with {@link #of(String)} and the {@code with…} methods.
 *
 * @param delayMs run no earlier than this many milliseconds after creation
 * @param timeoutMs how long one attempt may run before it is interrupted and fails
 * @param idempotencyKey a second create with the same key returns the first task
 * @param dependsOn tasks that must succeed first; the task waits until they have, and fails if one
 *     of them fails or is cancelled
 */
public record NewTask(
    String type,
    String description,
    JsonNode data,
    String assignedTo,
    Integer priority,
    Long delayMs,
    Integer maxAttempts,
    Long timeoutMs,
    String idempotencyKey,
    String createdBy,
    List<String> dependsOn) {

  public static NewTask of(String type) {
    return new NewTask(type, null, null, null, null, null, null, null, null, null, null);
  }

  public NewTask withDescription(String v) {
    return new NewTask(
        type,
        v,
        data,
        assignedTo,
        priority,
        delayMs,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        createdBy,
        dependsOn);
  }

  public NewTask withData(JsonNode v) {
    return new NewTask(
        type,
        description,
        v,
        assignedTo,
        priority,
        delayMs,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        createdBy,
        dependsOn);
  }

  public NewTask withAssignedTo(String v) {
    return new NewTask(
        type,
        description,
        data,
        v,
        priority,
        delayMs,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        createdBy,
        dependsOn);
  }

  public NewTask withPriority(int v) {
    return new NewTask(
        type,
        description,
        data,
        assignedTo,
        v,
        delayMs,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        createdBy,
        dependsOn);
  }

  public NewTask withDelayMs(long v) {
    return new NewTask(
        type,
        description,
        data,
        assignedTo,
        priority,
        v,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        createdBy,
        dependsOn);
  }

  public NewTask withMaxAttempts(int v) {
    return new NewTask(
        type,
        description,
        data,
        assignedTo,
        priority,
        delayMs,
        v,
        timeoutMs,
        idempotencyKey,
        createdBy,
        dependsOn);
  }

  public NewTask withTimeoutMs(long v) {
    return new NewTask(
        type,
        description,
        data,
        assignedTo,
        priority,
        delayMs,
        maxAttempts,
        v,
        idempotencyKey,
        createdBy,
        dependsOn);
  }

  public NewTask withIdempotencyKey(String v) {
    return new NewTask(
        type,
        description,
        data,
        assignedTo,
        priority,
        delayMs,
        maxAttempts,
        timeoutMs,
        v,
        createdBy,
        dependsOn);
  }

  public NewTask withDependsOn(List<String> v) {
    return new NewTask(
        type,
        description,
        data,
        assignedTo,
        priority,
        delayMs,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        createdBy,
        v);
  }

  public NewTask withCreatedBy(String v) {
    return new NewTask(
        type,
        description,
        data,
        assignedTo,
        priority,
        delayMs,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        v,
        dependsOn);
  }
}
