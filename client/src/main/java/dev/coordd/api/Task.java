package dev.coordd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A unit of work as every door shows it. Times are epoch milliseconds. {@code runs} is the history
 * of finished attempts, oldest first; it is empty in list views. A {@code waiting} task says what
 * it waits for ({@code waitingFor}, e.g. {@code invocation:<id>}) and until when.
 *
 * <p>{@code leaseMs} is the lease length of the latest claim (each renewal extends the lease by
 * it). {@code claimToken} names the current attempt: it is handed out by the claim, required to
 * complete, fail or renew it, and null unless the task is running.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Task(
    String id,
    String type,
    String description,
    JsonNode data,
    TaskStatus status,
    int priority,
    String assignedTo,
    String createdBy,
    long runAt,
    int attempts,
    int maxAttempts,
    Long timeoutMs,
    String idempotencyKey,
    JsonNode result,
    TaskError error,
    String leaseOwner,
    Long leaseExpiresAt,
    Long leaseMs,
    String claimToken,
    long createdAt,
    Long startedAt,
    Long finishedAt,
    String waitingFor,
    Long waitUntil,
    List<TaskRun> runs) {

  public Task withRuns(List<TaskRun> history) {
    return new Task(
        id,
        type,
        description,
        data,
        status,
        priority,
        assignedTo,
        createdBy,
        runAt,
        attempts,
        maxAttempts,
        timeoutMs,
        idempotencyKey,
        result,
        error,
        leaseOwner,
        leaseExpiresAt,
        leaseMs,
        claimToken,
        createdAt,
        startedAt,
        finishedAt,
        waitingFor,
        waitUntil,
        List.copyOf(history));
  }
}
