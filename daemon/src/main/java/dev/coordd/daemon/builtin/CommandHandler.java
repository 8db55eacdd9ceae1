package dev.coordd.daemon.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.coordd.daemon.config.CommandHandlerConfig;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.daemon.process.ProcessRunner;
import dev.coordd.daemon.process.ProcessRunner.Result;
import dev.coordd.daemon.process.ProcessRunner.Spec;
import dev.coordd.daemon.process.ProcessRunner.TimedOut;
import dev.coordd.internal.Json;
import java.io.IOException;

/**
 * A task type run by an external program: the task as JSON on its stdin, its result as JSON on its
 * stdout. The argv is executed directly, never through a shell, so task data cannot inject
 * commands.
 *
 * <p>Whenever an attempt ends early (interrupt by the engine, or this handler's own timeout) the
 * whole process tree is killed, by {@link ProcessRunner}: a shell script's children would otherwise
 * outlive the attempt and keep working on a task that may be retried elsewhere.
 */
public final class CommandHandler implements TaskHandler {
  /** Kills timed-out or interrupted runs with their whole process tree. */
  private static final ProcessRunner RUNNER = new ProcessRunner();

  private static final int STDERR_TAIL_BYTES = 2048;
  private static final int STDOUT_HEAD_CHARS = 200;

  private static final ObjectReader STRICT_JSON =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String type;
  private final CommandHandlerConfig config;

  public CommandHandler(String type, CommandHandlerConfig config) {
    if (config.command().isEmpty()) {
      throw new IllegalArgumentException("command handler '" + type + "' has an empty command");
    }
    if (config.maxOutputBytes() <= 0) {
      throw new IllegalArgumentException(
          "command handler '" + type + "' needs a positive maxOutputBytes");
    }
    this.type = type;
    this.config = config;
  }

  public String type() {
    return type;
  }

  public CommandHandlerConfig config() {
    return config;
  }

  @Override
  public JsonNode dataSchema() {
    return config.schema();
  }

  @Override
  public JsonNode handle(TaskContext context) throws Exception {
    byte[] input = Json.MAPPER.writeValueAsBytes(context.task());
    Spec spec =
        Spec.of(config.command())
            .withWorkingDirectory(config.workingDirectory())
            .withStdin(input)
            .withTimeout(config.timeout())
            .withMaxOutputBytes(config.maxOutputBytes());
    Result run;
    try {
      run = RUNNER.run(spec);
    } catch (IOException e) {
      // A missing program or folder is a configuration error: every retry would fail the same.
      throw TaskFailure.permanent(
          "start_failed", "cannot start " + describe() + ": " + e.getMessage());
    }
    if (run.timedOut() != TimedOut.NONE) {
      throw TaskFailure.retryable(
          "timeout",
          describe()
              + " did not finish within "
              + config.timeout().toMillis()
              + " ms"
              + "; killed it and its child processes; stderr: "
              + stderrTail(run));
    }
    return result(run);
  }

  private JsonNode result(Result run) throws TaskFailure {
    if (run.exitCode() != 0) {
      throw TaskFailure.retryable(
          "exit_code", describe() + " exited with " + run.exitCode() + ": " + stderrTail(run));
    }
    if (run.stdoutTruncated()) {
      throw TaskFailure.retryable(
          "invalid_result",
          describe()
              + " printed more than maxOutputBytes ("
              + config.maxOutputBytes()
              + ") on stdout; "
              + (run.stdoutTotal() - run.stdout().length)
              + " bytes were"
              + " discarded, so the result is incomplete; stderr: "
              + stderrTail(run));
    }
    String text = run.stdoutText();
    if (text.isBlank()) {
      throw invalidResult("printed nothing on stdout", run);
    }
    try {
      return STRICT_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String head =
          text.length() > STDOUT_HEAD_CHARS ? text.substring(0, STDOUT_HEAD_CHARS) + "…" : text;
      throw invalidResult("printed " + head.strip(), run);
    }
  }

  private TaskFailure invalidResult(String what, Result run) {
    return TaskFailure.retryable(
        "invalid_result",
        describe()
            + " "
            + what
            + "; stdout was not JSON: the result must be one JSON value"
            + "; stderr: "
            + stderrTail(run));
  }

  /** The last ~2 KiB of stderr, marked when more came before it. */
  private static String stderrTail(Result run) {
    String tail = run.stderrTail(STDERR_TAIL_BYTES);
    return tail.isEmpty() ? "(nothing on stderr)" : tail;
  }

  private String describe() {
    return "command '" + config.command().get(0) + "' for task type '" + type + "'";
  }
}
