package dev.coordd.daemon.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import java.time.Clock;

/** What a handler sees of its task and of the daemon. */
public interface TaskContext {
  Task task();

  default JsonNode data() {
    return task().data();
  }

  /** 1 for the first attempt. */
  default int attempt() {
    return task().attempts();
  }

  /** The daemon's clock; use it, not the system's, so tests can step time. */
  Clock clock();

  /** Epoch millis after which the engine interrupts this attempt as timed out. */
  long deadline();

  /** The daemon's own service, for handlers that coordinate with other agents. */
  CoordinationService service();

  /** Throws {@link InterruptedException} when the attempt was cancelled or timed out. */
  default void checkCancelled() throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("task attempt interrupted");
    }
  }
}
