package dev.coordd.cli.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.BatchItem;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.UnavailableException;
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

  /**
   * Bytes of task JSON one call carries at most. The daemon refuses a request line longer than its
   * payload cap (1 MiB by default) plus a small envelope; a batch that large would be refused
   * whole, so calls are cut by size as well as by count. A task larger than this goes in a call of
   * its own.
   */
  static final int CALL_BYTES = 512 * 1024;

  /**
   * Batch calls of up to MAX_BATCH tasks and about {@link #CALL_BYTES}, a few in flight; the
   * outcomes in the tasks' order. A call the daemon refuses as a whole fails only its own tasks. A
   * call whose answer is lost (the daemon stopped, the connection broke) leaves its tasks' fate
   * unknown, and no further call is sent; the tasks earlier calls created are still reported, so
   * nothing created goes unprinted.
   */
  private static List<BatchItem> send(CoorddClient client, List<NewTask> tasks) {
    List<BatchItem> outcomes = new ArrayList<>(tasks.size());
    Deque<Call> inFlight = new ArrayDeque<>();
    CoorddException stopped = null;
    for (List<NewTask> chunk : chunks(tasks)) {
      if (inFlight.size() == CALLS_IN_FLIGHT) {
        stopped = settle(inFlight.removeFirst(), outcomes, stopped);
      }
      CompletableFuture<List<BatchItem>> answer =
          stopped == null
              ? client.createTasksAsync(chunk)
              : CompletableFuture.failedFuture(notSent(stopped));
      inFlight.addLast(new Call(answer, chunk.size()));
    }
    while (!inFlight.isEmpty()) {
      stopped = settle(inFlight.removeFirst(), outcomes, stopped);
    }
    return outcomes;
  }

  /** The tasks cut into calls of at most MAX_BATCH tasks and about CALL_BYTES of JSON. */
  static List<List<NewTask>> chunks(List<NewTask> tasks) {
    List<List<NewTask>> chunks = new ArrayList<>();
    int from = 0;
    long bytes = 0;
    for (int i = 0; i < tasks.size(); i++) {
      long size = Json.write(tasks.get(i)).length();
      boolean full = i - from == CoordinationService.MAX_BATCH || bytes + size > CALL_BYTES;
      if (i > from && full) {
        chunks.add(tasks.subList(from, i));
        from = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (from < tasks.size()) {
      chunks.add(tasks.subList(from, tasks.size()));
    }
    return chunks;
  }

  /** A batch call in flight and how many tasks it carries. */
  private record Call(CompletableFuture<List<BatchItem>> answer, int size) {}

  /** Adds the call's outcomes; returns the error that stops further calls, if any so far. */
  private static CoorddException settle(
      Call call, List<BatchItem> outcomes, CoorddException stopped) {
    try {
      outcomes.addAll(call.answer().join());
      return stopped;
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      boolean lost = !(cause instanceof CoorddException) || cause instanceof UnavailableException;
      CoorddException failure = lost ? unknownFate(cause) : (CoorddException) cause;
      for (int i = 0; i < call.size(); i++) {
        outcomes.add(BatchItem.failed(failure));
      }
      return stopped != null || !lost ? stopped : failure;
    }
  }

  private static final String NOT_SENT = "not sent: ";

  /** A call's answer was lost: its tasks may or may not exist, and the message must say so. */
  private static CoorddException unknownFate(Throwable e) {
    if (e instanceof CoorddException ce && ce.getMessage().startsWith(NOT_SENT)) {
      return ce;
    }
    return new UnavailableException(
        "the batch call failed ("
            + e.getMessage()
            + "); whether its tasks were created is unknown: look with coordd task list before"
            + " sending these lines again, or give the tasks idempotency keys so a resend is safe",
        e);
  }

  private static CoorddException notSent(CoorddException cause) {
    return new UnavailableException(
        NOT_SENT
            + "an earlier batch call failed ("
            + cause.getMessage()
            + "); this task was not created, send its line again",
        cause);
  }
}
