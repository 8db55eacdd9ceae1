package dev.coordd.daemon.config;

import java.time.Duration;
import java.util.List;

/**
 * How to start one kind of AI agent headless for {@code invoke_agent}, e.g. Claude Code as {@code
 * ["claude", "-p", "{command}", "--output-format", "json"]}. The argv is a template, never a shell
 * string: {@code {command}} is replaced by the prompt as one argument, {@code {cwd}} by the working
 * folder.
 *
 * @param command the argv template
 * @param promptVia {@code argv} (the prompt replaces {@code {command}}) or {@code stdin} (the
 *     prompt is written to stdin, which is then closed)
 * @param timeout wall-clock limit of one run
 * @param idleTimeout limit on silence: no byte on stdout or stderr for this long kills the run
 * @param output how to read the result: {@code claude} (the final {@code result} object), {@code
 *     codex} (JSONL events, last agent message), {@code gemini} ({@code response} field), {@code
 *     json} (the last JSON value printed) or {@code text} (stdout as text)
 * @param resumeArgs appended when the task asks to resume a session; {@code {sessionId}} is
 *     replaced by its id (e.g. {@code ["--resume", "{sessionId}"]})
 * @param maxOutputBytes cap on kept stdout and stderr
 */
public record AgentRunnerConfig(
    List<String> command,
    String promptVia,
    Duration timeout,
    Duration idleTimeout,
    String output,
    List<String> resumeArgs,
    int maxOutputBytes) {

  public static final String DEFAULT_PROMPT_VIA = "argv";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  public static final String DEFAULT_OUTPUT = "json";
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 8 << 20;
  public static final List<String> PROMPT_VIA = List.of("argv", "stdin");

  public AgentRunnerConfig {
    command = List.copyOf(command);
    resumeArgs = resumeArgs == null ? List.of() : List.copyOf(resumeArgs);
  }
}
