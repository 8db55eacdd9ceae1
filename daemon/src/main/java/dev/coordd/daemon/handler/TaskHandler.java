package dev.coordd.daemon.handler;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs one attempt of a task on a virtual thread and returns its result as JSON (null is fine).
 * Throwing fails the attempt; throw {@link TaskFailure} to choose the error kind or to stop
 * retries. The thread is interrupted on cancel, timeout and shutdown: a handler that blocks must
 * let {@link InterruptedException} out, and one that loops should check {@link
 * TaskContext#checkCancelled()}.
 */
@FunctionalInterface
public interface TaskHandler {
  JsonNode handle(TaskContext context) throws Exception;

  /** A JSON Schema the task's data must satisfy at creation, or null for any data. */
  default JsonNode dataSchema() {
    return null;
  }

  /**
   * Checks at creation what a schema cannot say (a duration that must parse, say); throws {@link
   * dev.coordd.api.InvalidRequestException} naming the field. Runs after the schema check.
   */
  default void checkData(JsonNode data) {}
}
