package dev.coordd.daemon.invoke.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.daemon.config.AgentRunnerConfig;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.process.ProcessRunner;
import dev.coordd.daemon.process.ProcessRunner.Result;
import dev.coordd.daemon.process.ProcessRunner.Spec;
import dev.coordd.daemon.process.ProcessRunner.TimedOut;
import dev.coordd.internal.Json;
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
 * <p>The answer is normalised to one shape whatever the CLI: {@code {"agentType", "text",
 * "sessionId", "costUsd", "turns", "durationMs", "raw"}}, with null for what the CLI does not say.
 * {@code durationMs} is the CLI's own figure when it reports one, else the measured run time.
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
  private static final int HEAD_CHARS = 300;

  private static final ObjectReader STRICT_JSON =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String agentType;
  private final AgentRunnerConfig config;

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
    if (!AgentRunnerConfig.OUTPUTS.contains(config.output())) {
      throw new IllegalArgumentException(
          "agent runner '"
              + agentType
              + "': output must be one of "
              + AgentRunnerConfig.OUTPUTS
              + ", not "
              + config.output());
    }
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
            // The answer of line-oriented outputs is at the end; keep the end if they flood.
            .withKeepStdoutTail(
                !config.output().equals("gemini") && !config.output().equals("text"));
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
      String stderr = run.stderrTail(STDERR_TAIL_BYTES);
      throw TaskFailure.retryable(
          "exit_code",
          agentType
              + " exited with "
              + run.exitCode()
              + ": "
              + (stderr.isEmpty() ? "(nothing on stderr); stdout: " + head(run) : stderr));
    }
    return parse(run);
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

  // --- reading the answer ---

  private JsonNode parse(Result run) throws TaskFailure {
    return switch (config.output()) {
      case "claude" -> claude(run);
      case "codex" -> codex(run);
      case "gemini" -> gemini(run);
      case "json" -> json(run);
      default -> text(run);
    };
  }

  /**
   * Claude Code: {@code --output-format json} prints the result object (or, with {@code --verbose},
   * an array of every message ending in it); {@code stream-json} prints one message per line, the
   * result last. The last object of type "result" is the answer.
   */
  private JsonNode claude(Result run) throws TaskFailure {
    JsonNode result = null;
    JsonNode whole = parseWhole(run.stdoutText());
    if (whole != null && whole.isObject() && isResult(whole)) {
      result = whole;
    } else if (whole != null && whole.isArray()) {
      for (JsonNode message : whole) {
        if (message.isObject() && isResult(message)) {
          result = message;
        }
      }
    } else {
      List<String> lines = lines(run.stdoutText());
      for (int i = lines.size() - 1; i >= 0 && result == null; i--) {
        JsonNode node = parseLine(lines.get(i));
        if (node != null && node.isObject() && isResult(node)) {
          result = node;
        }
      }
    }
    if (result == null) {
      throw invalidResult("no result line in " + agentType + " output", run);
    }
    String text = textOrNull(result.get("result"));
    String sessionId = textOrNull(result.get("session_id"));
    String subtype = textOrNull(result.get("subtype"));
    if (result.path("is_error").asBoolean(false)
        || (subtype != null && !subtype.equals("success"))) {
      throw TaskFailure.retryable(
          "agent_error",
          agentType
              + " reported an error"
              + (subtype == null ? "" : " (" + subtype + ")")
              + (sessionId == null ? "" : " in session " + sessionId)
              + ": "
              + (text == null ? cut(result.toString()) : cut(text)));
    }
    JsonNode cost =
        result.has("total_cost_usd") ? result.get("total_cost_usd") : result.get("cost_usd");
    return answer(
        text,
        sessionId,
        numberOrNull(cost),
        numberOrNull(result.get("num_turns")),
        durationMs(result.get("duration_ms"), run),
        result);
  }

  private static boolean isResult(JsonNode node) {
    return "result".equals(node.path("type").asText(null));
  }

  /**
   * Codex: {@code codex exec --json} prints one event per line. The answer is the last agent
   * message: {@code {"type":"item.completed","item":{"type":"agent_message","text":…}}}, or in
   * older versions {@code {"msg":{"type":"agent_message","message":…}}}. The session id comes from
   * {@code thread.started} ({@code thread_id}) or {@code session_configured} ({@code session_id}).
   * A failed turn or an error event after the last message (and not followed by a completed turn)
   * is the agent's error.
   */
  private JsonNode codex(Result run) throws TaskFailure {
    String text = null;
    JsonNode raw = null;
    String sessionId = null;
    String error = null; // the latest error not followed by a message
    int turns = 0;
    for (String line : lines(run.stdoutText())) {
      JsonNode event = parseLine(line);
      if (event == null || !event.isObject()) {
        continue;
      }
      String type = event.path("type").asText("");
      JsonNode msg = event.path("msg");
      String msgType = msg.path("type").asText("");
      if (type.equals("thread.started") && event.path("thread_id").isTextual()) {
        sessionId = event.get("thread_id").textValue();
      } else if (msgType.equals("session_configured") && msg.path("session_id").isTextual()) {
        sessionId = msg.get("session_id").textValue();
      } else if (type.equals("session_configured") && event.path("session_id").isTextual()) {
        sessionId = event.get("session_id").textValue();
      } else if (type.equals("item.completed")
          && event.path("item").path("type").asText("").equals("agent_message")
          && event.path("item").path("text").isTextual()) {
        text = event.get("item").get("text").textValue();
        raw = event;
        error = null;
      } else if (msgType.equals("agent_message") && msg.path("message").isTextual()) {
        text = msg.get("message").textValue();
        raw = event;
        error = null;
      } else if (type.equals("turn.completed") || msgType.equals("task_complete")) {
        turns++;
        error = null; // the turn got over whatever went wrong in it
      } else if (type.equals("turn.failed")) {
        error = event.path("error").path("message").asText(event.toString());
      } else if (type.equals("error")) {
        error = event.path("message").asText(event.toString());
      } else if (msgType.equals("error")) {
        error = msg.path("message").asText(msg.toString());
      }
    }
    if (error != null) {
      throw TaskFailure.retryable(
          "agent_error",
          agentType
              + " reported an error"
              + (sessionId == null ? "" : " in session " + sessionId)
              + ": "
              + cut(error));
    }
    if (text == null) {
      throw invalidResult("no agent message in " + agentType + " output", run);
    }
    return answer(
        text,
        sessionId,
        null,
        turns == 0 ? null : Json.MAPPER.getNodeFactory().numberNode(turns),
        durationMs(null, run),
        raw);
  }

  /**
   * Gemini CLI: {@code --output-format json} prints {@code {"response": …, "stats": {…}}}, or
   * {@code {"error": {"message": …}}} when it failed.
   */
  private JsonNode gemini(Result run) throws TaskFailure {
    JsonNode whole = parseWhole(run.stdoutText());
    if (whole == null) {
      // Some versions print notices before the JSON; the object may then be the last line.
      List<String> lines = lines(run.stdoutText());
      whole = lines.isEmpty() ? null : parseLine(lines.get(lines.size() - 1));
    }
    if (whole == null || !whole.isObject()) {
      throw invalidResult("no JSON object in " + agentType + " output", run);
    }
    JsonNode error = whole.get("error");
    if (error != null && !error.isNull() && !whole.path("response").isTextual()) {
      throw TaskFailure.retryable(
          "agent_error",
          agentType + " reported an error: " + cut(error.path("message").asText(error.toString())));
    }
    if (!whole.path("response").isTextual()) {
      throw invalidResult("no \"response\" in " + agentType + " output", run);
    }
    return answer(
        whole.get("response").textValue(),
        textOrNull(whole.get("session_id")),
        null,
        null,
        durationMs(null, run),
        whole);
  }

  /** Any program printing JSON: the whole stdout if it is one value, else its last line. */
  private JsonNode json(Result run) throws TaskFailure {
    String out = run.stdoutText();
    JsonNode value = parseWhole(out);
    if (value == null) {
      List<String> lines = lines(out);
      value = lines.isEmpty() ? null : parseLine(lines.get(lines.size() - 1));
    }
    if (value == null) {
      throw invalidResult("no JSON value at the end of " + agentType + " output", run);
    }
    return answer(null, null, null, null, durationMs(null, run), value);
  }

  private JsonNode text(Result run) throws TaskFailure {
    if (run.stdoutTruncated()) {
      throw invalidResult(agentType + " output is incomplete", run);
    }
    return answer(run.stdoutText().strip(), null, null, null, durationMs(null, run), null);
  }

  private JsonNode answer(
      String text,
      String sessionId,
      JsonNode costUsd,
      JsonNode turns,
      long durationMs,
      JsonNode raw) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("agentType", agentType);
    out.put("text", text);
    out.put("sessionId", sessionId);
    out.set("costUsd", costUsd);
    out.set("turns", turns);
    out.put("durationMs", durationMs);
    out.set("raw", raw);
    return out;
  }

  private static long durationMs(JsonNode reported, Result run) {
    return reported != null && reported.canConvertToLong()
        ? reported.longValue()
        : run.duration().toMillis();
  }

  /** Null (not JSON null) when absent, so ObjectNode.set writes a JSON null. */
  private static JsonNode numberOrNull(JsonNode v) {
    return v != null && v.isNumber() ? v : null;
  }

  private static String textOrNull(JsonNode v) {
    return v != null && v.isTextual() ? v.textValue() : null;
  }

  /** The whole text as exactly one JSON value, or null. */
  private static JsonNode parseWhole(String text) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return STRICT_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** A line as one JSON value, or null; cheap for lines that plainly are not JSON. */
  private static JsonNode parseLine(String line) {
    String s = line.strip();
    if (s.isEmpty()) {
      return null;
    }
    char c = s.charAt(0);
    if (c != '{' && c != '[' && c != '"') {
      // Numbers, true, false and null are JSON too, but only "json" output could want them.
      if (!(c == '-'
          || Character.isDigit(c)
          || s.equals("true")
          || s.equals("false")
          || s.equals("null"))) {
        return null;
      }
    }
    return parseWhole(s);
  }

  /** The non-blank lines. */
  private static List<String> lines(String text) {
    return text.lines().filter(l -> !l.isBlank()).toList();
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

  private static String cut(String s) {
    return s.length() > STDERR_TAIL_BYTES ? s.substring(0, STDERR_TAIL_BYTES) + "…" : s;
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
  }
}
