package dev.coordd.daemon.reliability;

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

  private CompletionLog() {}

  /** A handler that works for a few milliseconds, then records its completion in {@code log}. */
  static TaskHandler handler(Path log) {
    return handler(log, 15);
  }

  /** A handler that works for up to {@code maxWorkMs} (0: not at all), then records its run. */
  static TaskHandler handler(Path log, int maxWorkMs) {
    return ctx -> {
      if (maxWorkMs > 1) {
        Thread.sleep(ThreadLocalRandom.current().nextInt(1, maxWorkMs));
      }
      String line = ctx.task().id() + " " + ctx.attempt() + "\n";
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
    };
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
