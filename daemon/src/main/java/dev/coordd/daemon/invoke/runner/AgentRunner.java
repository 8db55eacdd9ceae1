package dev.coordd.daemon.invoke.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.config.AgentRunnerConfig;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.process.ProcessRunner;
import dev.coordd.daemon.process.ProcessRunner.Result;
import dev.coordd.daemon.process.ProcessRunner.Spec;
import dev.coordd.daemon.process.ProcessRunner.TimedOut;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one kind of AI agent CLI headless (Claude Code, Codex, Gemini CLI, or anything printing JSON
 * or text) for one prompt and reads its answer.
 *
 * <p>The argv comes from the configured template and is executed directly, never through a shell:
 * {@code {command}} is replaced by the prompt, which stays one argument whatever it contains;
 * {@code {cwd}} by the working folder; {@code {sessionId}} (in {@code resumeArgs}) by the session
 * to resume. Placeholders are replaced in one pass, so a prompt that itself contains {@code {cwd}}
 * is passed on literally. With {@code promptVia: stdin} the prompt is written to stdin instead (a
 * {@code {command}} in the template, if any, is still replaced).
 *
 * <p>A run is limited by the configured wall-clock and idle (no output) timeouts; either kills the
 * agent's whole process tree (see {@link ProcessRunner}). So does interrupting the calling thread.
 *
 * <p>The answer is read by the configured {@link AgentOutput} (one per CLI, see {@link
 * AgentOutputs}) and normalised to one shape whatever the CLI: {@code {"agentType", "text",
 * "sessionId", "costUsd", "turns", "durationMs", "raw"}}, with null for what the CLI does not say
 * (see {@link AgentResult#toJson}).
 */
public final class AgentRunner {
  private static final ProcessRunner RUNNER = new ProcessRunner();

  /** What {@code {command}}, {@code {cwd}} and {@code {sessionId}} look like in a template. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(command|cwd|sessionId)}");

  /**
   * A session id is passed as one argument, so it cannot inject anything; it must still not look
   * like an option ("--dangerously-…") or be unreasonably long.
   */
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:-]{0,199}");

  /** Linux's limit on one argument (MAX_ARG_STRLEN); a longer prompt must go through stdin. */
  private static final int MAX_ARG_BYTES = 128 * 1024;

  private static final int STDERR_TAIL_BYTES = 2048;

  /** How much of the end of stderr an output format may search for the agent's error JSON. */
  private static final int STDERR_ERROR_BYTES = 64 * 1024;

  private static final int HEAD_CHARS = 300;

  private final String agentType;
  private final AgentRunnerConfig config;
  private final AgentOutput output;

  public AgentRunner(String agentType, AgentRunnerConfig config) {
    Objects.requireNonNull(agentType, "agentType");
    Objects.requireNonNull(config, "config");
    if (config.command().isEmpty()) {
      throw new IllegalArgumentException("agent runner '" + agentType + "' has an empty command");
    }
    if (!AgentRunnerConfig.PROMPT_VIA.contains(config.promptVia())) {
      throw new IllegalArgumentException(
          "agent runner '"
              + agentType
              + "': promptVia must be one of "
              + AgentRunnerConfig.PROMPT_VIA
              + ", not "
              + config.promptVia());
    }
    this.output =
        AgentOutputs.find(config.output())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "agent runner '"
                            + agentType
                            + "': output must be one of "
                            + AgentOutputs.names()
                            + ", not "
                            + config.output()));
    if (promptViaArgv(config)
        && config.command().stream().noneMatch(a -> a.contains("{command}"))) {
      throw new IllegalArgumentException(
          "agent runner '"
              + agentType
              + "': with promptVia argv the command needs an argument"
              + " containing {command}");
    }
    if (config.maxOutputBytes() <= 0) {
      throw new IllegalArgumentException(
          "agent runner '" + agentType + "' needs a positive maxOutputBytes");
    }
    this.agentType = agentType;
    this.config = config;
  }

  public String agentType() {
    return agentType;
  }

  public AgentRunnerConfig config() {
    return config;
  }

  /**
   * Runs the agent once and returns its normalised answer.
   *
   * @param prompt what the agent is asked to do; must not be blank
   * @param workingDirectory where the agent runs, an existing folder; null for the daemon's own
   * @param resumeSessionId a session to continue (appends {@code resumeArgs}), or null for a new
   *     one
   * @throws TaskFailure {@code invalid} (permanent) for a blank prompt, a missing folder or a
   *     malformed session id; {@code start_failed} (permanent) when the program cannot start;
   *     {@code timeout}, {@code exit_code}, {@code invalid_result} or {@code agent_error}
   *     (retryable) for a run that did not produce an answer
   * @throws InterruptedException when the calling thread is interrupted; the agent is killed first
   */
  public JsonNode run(String prompt, Path workingDirectory, String resumeSessionId)
      throws TaskFailure, InterruptedException {
    if (prompt == null || prompt.isBlank()) {
      throw TaskFailure.permanent("invalid", "the prompt for " + agentType + " is empty");
    }
    Path cwd = workingDirectory(workingDirectory);
    if (resumeSessionId != null && !SESSION_ID.matcher(resumeSessionId).matches()) {
      throw TaskFailure.permanent(
          "invalid",
          "session id to resume "
              + quote(resumeSessionId)
              + " must be 1 to 200 letters, digits,"
              + " '.', '_', ':' or '-', not starting with '.', ':' or '-'");
    }
    boolean viaArgv = promptViaArgv(config);
    if (viaArgv && prompt.indexOf('\0') >= 0) {
      throw TaskFailure.permanent(
          "invalid", "the prompt contains a NUL character, which no program argument can hold");
    }
    List<String> argv = argv(prompt, cwd, resumeSessionId);
    Spec spec =
        Spec.of(argv)
            .withWorkingDirectory(cwd)
            .withStdin(viaArgv ? null : prompt.getBytes(StandardCharsets.UTF_8))
            .withTimeout(config.timeout())
            .withIdleTimeout(config.idleTimeout())
            .withMaxOutputBytes(config.maxOutputBytes())
            // A flood of output keeps the end of stdout when the format's answer is there.
            .withKeepStdoutTail(output.answerAtEnd());
    Result run;
    try {
      run = RUNNER.run(spec);
    } catch (IOException e) {
      int promptBytes = prompt.getBytes(StandardCharsets.UTF_8).length;
      String hint =
          viaArgv && promptBytes > MAX_ARG_BYTES / 2
              ? "; the prompt ("
                  + promptBytes
                  + " bytes) may be over the system's limit on one"
                  + " argument ("
                  + MAX_ARG_BYTES
                  + " bytes on Linux): configure promptVia"
                  + " \"stdin\""
              : "";
      throw TaskFailure.permanent(
          "start_failed",
          "cannot start "
              + agentType
              + " agent ("
              + config.command().get(0)
              + "): "
              + e.getMessage()
              + hint);
    }
    if (run.timedOut() != TimedOut.NONE) {
      boolean wall = run.timedOut() == TimedOut.WALL_CLOCK;
      Duration limit = wall ? config.timeout() : config.idleTimeout();
      throw TaskFailure.retryable(
          "timeout",
          agentType
              + " run killed after "
              + Durations.format(limit)
              + (wall ? " (wall clock)" : " (no output)")
              + "; it ran "
              + Durations.format(Duration.ofMillis(run.duration().toMillis()))
              + " in all and its process tree was killed; stderr: "
              + stderrTail(run));
    }
    if (run.exitCode() != 0) {
      agentErrorIn(run); // the agent's own error, when it printed one, says more than the code
      String stderr = run.stderrTail(STDERR_TAIL_BYTES);
      throw TaskFailure.retryable(
          "exit_code",
          agentType
              + " exited with "
              + run.exitCode()
              + ": "
              + (stderr.isEmpty() ? "(nothing on stderr); stdout: " + head(run) : stderr));
    }
    return read(run);
  }

  private static boolean promptViaArgv(AgentRunnerConfig config) {
    return config.promptVia().equals("argv");
  }

  private Path workingDirectory(Path dir) throws TaskFailure {
    Path path = dir == null ? Path.of("") : dir;
    path = path.toAbsolutePath().normalize();
    if (!Files.isDirectory(path)) {
      throw TaskFailure.permanent(
          "invalid",
          "working directory "
              + path
              + " for "
              + agentType
              + " does not exist or is not a"
              + " directory");
    }
    return path;
  }

  /** The template with its placeholders filled in, then the resume arguments if resuming. */
  List<String> argv(String prompt, Path cwd, String resumeSessionId) {
    Map<String, String> values =
        resumeSessionId == null
            ? Map.of("command", prompt, "cwd", cwd.toString())
            : Map.of("command", prompt, "cwd", cwd.toString(), "sessionId", resumeSessionId);
    List<String> argv = new ArrayList<>();
    for (String arg : config.command()) {
      argv.add(fill(arg, values));
    }
    if (resumeSessionId != null) {
      for (String arg : config.resumeArgs()) {
        argv.add(fill(arg, values));
      }
    }
    return argv;
  }

  /** One pass over the template: replaced text is never scanned again. Unknown braces stay. */
  private static String fill(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Real agent CLIs exit non-zero on their own errors (Claude Code exits 1 on an authentication
   * error, overload or max turns; Gemini CLI 145 on a 401) and still print the error as JSON, with
   * the session id: read it (see {@link AgentOutput#errorOnFailure}) before judging the exit code,
   * so the task fails as the agent's error, naming the session it can resume, rather than as a bare
   * exit code.
   */
  private void agentErrorIn(Result run) throws TaskFailure {
    AgentOutputException e =
        output.errorOnFailure(
            agentType,
            run.stdoutText(),
            !run.stdoutTruncated(),
            run.stderrTail(STDERR_ERROR_BYTES));
    if (e != null && e.agentError()) {
      throw TaskFailure.retryable("agent_error", e.getMessage());
    }
  }

  /** The answer in its normalised shape, or why there is none. */
  private JsonNode read(Result run) throws TaskFailure {
    AgentResult result;
    try {
      result = output.read(agentType, run.stdoutText(), !run.stdoutTruncated());
    } catch (AgentOutputException e) {
      throw e.agentError()
          ? TaskFailure.retryable("agent_error", e.getMessage())
          : invalidResult(e.getMessage(), run);
    }
    return result.toJson(agentType, run.duration());
  }

  private TaskFailure invalidResult(String what, Result run) {
    String truncated =
        run.stdoutTruncated()
            ? "; stdout was over maxOutputBytes ("
                + config.maxOutputBytes()
                + "), "
                + (run.stdoutTotal() - run.stdout().length)
                + " bytes were discarded"
            : "";
    return TaskFailure.retryable(
        "invalid_result", what + ": " + head(run) + truncated + "; stderr: " + stderrTail(run));
  }

  /** The start of what was kept of stdout, for messages. */
  private static String head(Result run) {
    String out = run.stdoutText().strip();
    if (out.isEmpty()) {
      return "(nothing on stdout)";
    }
    return out.length() > HEAD_CHARS ? out.substring(0, HEAD_CHARS) + "…" : out;
  }

  private static String stderrTail(Result run) {
    String tail = run.stderrTail(STDERR_TAIL_BYTES);
    return tail.isEmpty() ? "(nothing on stderr)" : tail;
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
  }
}
