package dev.coordd.cli.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.BatchItem;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.cli.Cli;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.spec.TaskSpecReader;
import dev.coordd.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code coordd task create --batch FILE|-}: one task per line, as JSON in the inbox's form ({@code
 * {"type": "build", "data": {...}, "delay": "30s"}}). Lines are sent in batch calls of up to {@link
 * CoordinationService#MAX_BATCH}, a few in flight at once; each line gets its own outcome, so a bad
 * line (not JSON, an unknown field, a type nobody runs) is reported and the others are still
 * created.
 */
final class TaskBatchCreate {
  /** Batch calls in flight at once: enough to keep the daemon's group commit busy. */
  private static final int CALLS_IN_FLIGHT = 4;

  /** One input line: its number, and the task read from it or why it could not be read. */
  record Line(int number, NewTask task, CoorddException error) {}

  private TaskBatchCreate() {}

  /** Reads every task line first, so a file that cannot be read creates nothing. */
  static List<Line> read(String source, String createdBy) {
    List<Line> lines = new ArrayList<>();
    try (BufferedReader in = open(source)) {
      String text;
      int number = 0;
      while ((text = in.readLine()) != null) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        lines.add(line(number, text, createdBy));
      }
    } catch (IOException e) {
      throw new InvalidRequestException(
          "--batch", "cannot read --batch " + source + ": " + e.getMessage());
    }
    return lines;
  }

  private static BufferedReader open(String source) throws IOException {
    InputStream in = source.equals("-") ? System.in : Files.newInputStream(Path.of(source));
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static Line line(int number, String text, String createdBy) {
    String at = "line " + number;
    try {
      JsonNode spec = Json.MAPPER.readTree(text);
      NewTask task = TaskSpecReader.INBOX.read(at, spec);
      return new Line(
          number, task.createdBy() == null ? task.withCreatedBy(createdBy) : task, null);
    } catch (JsonProcessingException e) {
      return new Line(
          number, null, new InvalidRequestException(at, at + " is not JSON: " + Json.problem(e)));
    } catch (CoorddException e) {
      return new Line(number, null, e);
    }
  }

  /**
   * Creates the tasks read; prints one line per task (its id, or an empty line when it failed, the
   * reason going to stderr), or with {@code json} one entry per task. Exit 0 only if all were
   * created.
   */
  static int create(
      CoorddClient client, List<Line> lines, boolean json, PrintWriter out, PrintWriter err) {
    List<Line> readable = lines.stream().filter(l -> l.error() == null).toList();
    List<BatchItem> outcomes = send(client, readable.stream().map(Line::task).toList());
    Map<Integer, BatchItem> byLine = new LinkedHashMap<>();
    for (int i = 0; i < readable.size(); i++) {
      byLine.put(readable.get(i).number(), outcomes.get(i));
    }
    List<Map<String, Object>> report = new ArrayList<>();
    int failed = 0;
    for (Line l : lines) {
      BatchItem item = l.error() != null ? BatchItem.failed(l.error()) : byLine.get(l.number());
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("line", l.number());
      if (item.succeeded()) {
        entry.put("task", item.task());
        if (!json) {
          out.println(item.task().id());
        }
      } else {
        failed++;
        entry.put("error", item.error());
        if (!json) {
          out.println();
          err.println("coordd: line " + l.number() + ": " + item.error().message());
        }
      }
      report.add(entry);
    }
    if (json) {
      Output.json(out, report);
    }
    out.flush();
    if (failed > 0) {
      err.println(
          "coordd: "
              + failed
              + " of "
              + lines.size()
              + " tasks were not created; the others were (fix those lines and send only them"
              + " again)");
    }
    return failed == 0 ? 0 : Cli.EXIT_FAILED;
  }

  /** Batch calls of up to MAX_BATCH, a few in flight; the outcomes in the tasks' order. */
  private static List<BatchItem> send(CoorddClient client, List<NewTask> tasks) {
    List<BatchItem> outcomes = new ArrayList<>(tasks.size());
    Deque<CompletableFuture<List<BatchItem>>> inFlight = new ArrayDeque<>();
    for (int from = 0; from < tasks.size(); from += CoordinationService.MAX_BATCH) {
      List<NewTask> chunk =
          tasks.subList(from, Math.min(tasks.size(), from + CoordinationService.MAX_BATCH));
      if (inFlight.size() == CALLS_IN_FLIGHT) {
        outcomes.addAll(join(inFlight.removeFirst()));
      }
      inFlight.addLast(client.createTasksAsync(chunk));
    }
    while (!inFlight.isEmpty()) {
      outcomes.addAll(join(inFlight.removeFirst()));
    }
    return outcomes;
  }

  private static List<BatchItem> join(CompletableFuture<List<BatchItem>> call) {
    try {
      return call.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }
}
