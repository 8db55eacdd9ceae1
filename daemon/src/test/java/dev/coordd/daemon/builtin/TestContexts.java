package dev.coordd.daemon.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.internal.Json;
import java.time.Clock;
import java.util.List;

/** Running-task contexts for handler tests, without an engine or a store. */
final class TestContexts {
  private TestContexts() {}

  /** A first attempt of a running task of {@code type}, with {@code data} given as JSON text. */
  static TaskContext running(String type, String dataJson) {
    return running(type, Json.read(dataJson));
  }

  static TaskContext running(String type, JsonNode data) {
    long now = System.currentTimeMillis();
    Task task =
        new Task(
            "task-1",
            type,
            "a test task",
            data,
            TaskStatus.RUNNING,
            0,
            null,
            "test",
            now,
            1,
            3,
            60_000L,
            null,
            null,
            null,
            "test-daemon",
            now + 30_000,
            30_000L,
            "0123456789",
            now,
            now,
            null,
            null,
            null,
            List.of());
    return new Context(task, now + 60_000);
  }

  private record Context(Task task, long deadline) implements TaskContext {
    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public CoordinationService service() {
      return null;
    }
  }
}
