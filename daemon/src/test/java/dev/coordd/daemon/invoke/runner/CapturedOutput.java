package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.config.AgentRunnerConfig;
import dev.coordd.daemon.handler.TaskFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a real process that prints an agent CLI's captured stdout (and stderr), through {@link
 * AgentRunner} with one output format, so a format's test reads exactly what the CLI printed, by
 * the same path a daemon does. The agent type is the format's name.
 */
final class CapturedOutput {
  private final Path dir;
  private final String output;
  private final int maxOutputBytes;
  private final int exit;

  /**
   * @param dir a folder for the captured file, also the agent's working folder
   * @param output the format to read it as
   */
  CapturedOutput(Path dir, String output) {
    this(dir, output, AgentRunnerConfig.DEFAULT_MAX_OUTPUT_BYTES, 0);
  }

  private CapturedOutput(Path dir, String output, int maxOutputBytes, int exit) {
    this.dir = dir;
    this.output = output;
    this.maxOutputBytes = maxOutputBytes;
    this.exit = exit;
  }

  /** The same with stdout kept only up to {@code n} bytes. */
  CapturedOutput withMaxOutputBytes(int n) {
    return new CapturedOutput(dir, output, n, exit);
  }

  /**
   * The same, exiting with {@code code} after printing: the real CLIs exit 1 on their own errors
   * (authentication, max turns, a failed turn), their error still printed as JSON.
   */
  CapturedOutput exitingWith(int code) {
    return new CapturedOutput(dir, output, maxOutputBytes, code);
  }

  /** The normalised answer to {@code stdout}, the prompt being {@code prompt}. */
  JsonNode answer(String stdout, String prompt) throws Exception {
    return runner(stdout).run(prompt, dir, null);
  }

  JsonNode answer(String stdout) throws Exception {
    return answer(stdout, "x");
  }

  /** How reading {@code stdout} fails. */
  TaskFailure failure(String stdout) throws Exception {
    return failure(stdout, "");
  }

  /** How a run fails that printed {@code stdout} and then {@code stderr}. */
  TaskFailure failure(String stdout, String stderr) throws Exception {
    AgentRunner runner = runner(stdout, stderr);
    Throwable thrown = catchThrowable(() -> runner.run("x", dir, null));
    assertThat(thrown).isInstanceOf(TaskFailure.class);
    return (TaskFailure) thrown;
  }

  private AgentRunner runner(String stdout) throws Exception {
    return runner(stdout, "");
  }

  private AgentRunner runner(String stdout, String stderr) throws Exception {
    Path file = Files.createTempFile(dir, output + "-", ".out");
    Files.writeString(file, stdout);
    Path errFile = Files.createTempFile(dir, output + "-", ".err");
    Files.writeString(errFile, stderr);
    // The prompt goes in argv, as with a real CLI, and is ignored: the output is fixed.
    List<String> command =
        List.of(
            "/bin/sh",
            "-c",
            "cat \"$1\"; cat \"$2\" >&2; exit \"$3\"",
            "sh",
            file.toString(),
            errFile.toString(),
            Integer.toString(exit),
            "{command}");
    return new AgentRunner(
        output,
        new AgentRunnerConfig(
            command,
            "argv",
            Duration.ofSeconds(20),
            Duration.ofSeconds(20),
            output,
            List.of(),
            maxOutputBytes));
  }
}
