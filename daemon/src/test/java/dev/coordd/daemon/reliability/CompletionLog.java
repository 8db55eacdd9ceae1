package dev.coordd.daemon.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.handler.TaskHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes a handler's side effect observable across processes: each run that reaches its end appends
 * one line {@code <task id> <attempt>} with O_APPEND, so lines from racing runs (and from a daemon
 * killed a moment later) never interleave, and a test counts how often each attempt really ran.
 */
final class CompletionLog {
  static final String TYPE = "work";

  /** The data field that bounds a {@link #dataHandler} run's work, in milliseconds. */
  static final String WORK_FIELD = "maxWorkMs";

  private CompletionLog() {}

  /** A handler that works for a few milliseconds, then records its completion in {@code log}. */
  static TaskHandler handler(Path log) {
    return handler(log, 15);
  }

  /** A handler that works for up to {@code maxWorkMs} (0: not at all), then records its run. */
  static TaskHandler handler(Path log, int maxWorkMs) {
    return ctx -> {
      work(maxWorkMs);
      return record(log, ctx.task().id(), ctx.attempt());
    };
  }

  /**
   * As {@link #handler(Path, int)}, working up to the task's own {@code maxWorkMs} (data field,
   * default 0): tests that share daemons give each task type the work its test needs.
   */
  static TaskHandler dataHandler(Path log) {
    return ctx -> {
      work(ctx.data() == null ? 0 : ctx.data().path(WORK_FIELD).asInt(0));
      return record(log, ctx.task().id(), ctx.attempt());
    };
  }

  private static void work(int maxWorkMs) throws InterruptedException {
    if (maxWorkMs > 1) {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, maxWorkMs));
    }
  }

  /** Appends {@code <id> <attempt>}; a handler's result (none). */
  private static JsonNode record(Path log, String id, int attempt) {
    String line = id + " " + attempt + "\n";
    try {
      Files.write(
          log,
          line.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return null;
  }

  /** How many times each {@code id attempt} was recorded. */
  static Map<String, Integer> read(Path log) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    if (!Files.exists(log)) {
      return counts;
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (String line : lines) {
      if (!line.isBlank()) {
        counts.merge(line.strip(), 1, Integer::sum);
      }
    }
    return counts;
  }
}
