package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.config.AgentRunnerConfig;
import dev.coordd.daemon.handler.TaskFailure;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AgentRunner} against {@code fake-agent.sh}, a stand-in for Claude Code, Codex, Gemini. */
class AgentRunnerTest {
  private static final String TRICKY_PROMPT =
      "it's \"quoted\" $(touch pwned) `touch pwned2` ; rm -rf x && echo $HOME \\ {cwd} *";

  @TempDir Path tmp;
  Path fake;
  Path work;

  @BeforeEach
  void installFakeAgent() throws Exception {
    fake = tmp.resolve("fake-agent.sh");
    try (InputStream in = AgentRunnerTest.class.getResourceAsStream("/fake-agent.sh")) {
      assertThat(in).as("fake-agent.sh on the test classpath").isNotNull();
      Files.copy(in, fake);
    }
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    work = Files.createDirectory(tmp.resolve("work"));
  }

  // --- the argv ---

  @Test
  void the_prompt_is_one_argument_whatever_it_contains() throws Exception {
    JsonNode answer = runner("claude", "claude", "{command}").run(TRICKY_PROMPT, work, null);

    assertThat(answer.get("text").asText()).isEqualTo(TRICKY_PROMPT);
    assertThat(answer.at("/raw/argc").asInt()).isEqualTo(1);
    assertThat(answer.at("/raw/args/0").asText()).isEqualTo(TRICKY_PROMPT);
    assertThat(work.resolve("pwned")).doesNotExist();
    assertThat(work.resolve("pwned2")).doesNotExist();
  }

  @Test
  void the_placeholder_may_be_part_of_a_larger_argument() throws Exception {
    JsonNode answer = runner("claude", "claude", "--prompt={command}").run("hi there", work, null);

    assertThat(answer.at("/raw/args/0").asText()).isEqualTo("--prompt=hi there");
  }

  @Test
  void the_prompt_can_go_through_stdin() throws Exception {
    String prompt = "line one\nline \"two\" with $(no expansion)";
    AgentRunner runner =
        new AgentRunner(
            "claude", config("stdin", "claude", List.of(fake.toString(), "claude", "-")));

    JsonNode answer = runner.run(prompt, work, null);

    assertThat(answer.get("text").asText()).isEqualTo(prompt);
    assertThat(answer.at("/raw/args").toString()).isEqualTo("[\"-\"]");
  }

  @Test
  void runs_in_the_working_directory_and_fills_in_cwd() throws Exception {
    JsonNode answer =
        runner("claude", "claude", "{command}", "--dir={cwd}").run("where am I", work, null);

    assertThat(answer.at("/raw/cwd").asText()).isEqualTo(work.toRealPath().toString());
    assertThat(answer.at("/raw/args/1").asText())
        .isEqualTo("--dir=" + work.toAbsolutePath().normalize());
  }

  @Test
  void resume_args_are_appended_with_the_session_id() throws Exception {
    AgentRunnerConfig base = config("argv", "claude", argv("claude", "{command}"));
    AgentRunner runner =
        new AgentRunner(
            "claude",
            new AgentRunnerConfig(
                base.command(),
                base.promptVia(),
                base.timeout(),
                base.idleTimeout(),
                base.output(),
                List.of("--resume", "{sessionId}"),
                base.maxOutputBytes()));

    JsonNode resumed = runner.run("go on", work, "sess-42");
    JsonNode fresh = runner.run("start", work, null);

    assertThat(resumed.at("/raw/args").toString())
        .isEqualTo("[\"go on\",\"--resume\",\"sess-42\"]");
    assertThat(resumed.get("sessionId").asText()).isEqualTo("sess-42");
    assertThat(fresh.at("/raw/args").toString()).isEqualTo("[\"start\"]");
  }

  @Test
  void a_session_id_that_looks_like_an_option_is_refused() {
    TaskFailure failure =
        failure(() -> runner("claude", "claude", "{command}").run("go on", work, "--yolo"));

    assertThat(failure.kind()).isEqualTo("invalid");
    assertThat(failure.permanent()).isTrue();
  }

  // --- failures of the process ---

  @Test
  void non_zero_exit_fails_retryably_with_stderr() {
    TaskFailure failure = failure(() -> runner("claude", "fail", "{command}").run("x", work, null));

    assertThat(failure.kind()).isEqualTo("exit_code");
    assertThat(failure.permanent()).isFalse();
    assertThat(failure.getMessage())
        .isEqualTo("claude exited with 3: boom: rate limited, try later");
  }

  @Test
  void an_agent_that_exits_1_with_its_own_error_fails_as_that_error_naming_its_session() {
    TaskFailure failure =
        failure(() -> runner("claude", "claude-error", "{command}").run("x", work, null));

    assertThat(failure.kind()).isEqualTo("agent_error");
    assertThat(failure.permanent()).isFalse();
    assertThat(failure.getMessage())
        .contains("in session sess-new")
        .contains("API Error: 401 invalid x-api-key");
  }

  @Test
  void wall_clock_timeout_kills_the_agent_and_its_children() throws Exception {
    AgentRunner runner = runner(Duration.ofMillis(700), Duration.ofSeconds(30), "hang");
    long started = System.nanoTime();

    Outcome outcome = runInBackground(runner);
    List<ProcessHandle> tree = awaitTree(work.resolve("fake-agent.pid"));
    Throwable thrown = outcome.await();

    assertThat(thrown).isInstanceOf(TaskFailure.class);
    TaskFailure failure = (TaskFailure) thrown;
    assertThat(failure.kind()).isEqualTo("timeout");
    assertThat(failure.permanent()).isFalse();
    assertThat(failure.getMessage()).startsWith("claude run killed after 700ms (wall clock)");
    assertThat(elapsed(started)).isLessThan(Duration.ofSeconds(5));
    assertAllGone(tree);
  }

  @Test
  void idle_timeout_fires_while_the_wall_clock_would_not() throws Exception {
    AgentRunner runner = runner(Duration.ofSeconds(60), Duration.ofMillis(400), "silent");
    long started = System.nanoTime();

    Outcome outcome = runInBackground(runner);
    ProcessHandle agent = awaitPid(work.resolve("fake-agent.pid"));
    Throwable thrown = outcome.await();

    assertThat(thrown).isInstanceOf(TaskFailure.class);
    assertThat(((TaskFailure) thrown).kind()).isEqualTo("timeout");
    assertThat(thrown.getMessage()).startsWith("claude run killed after 400ms (no output)");
    assertThat(elapsed(started)).isLessThan(Duration.ofSeconds(5));
    assertAllGone(List.of(agent));
  }

  @Test
  void an_agent_that_keeps_printing_is_not_idle() throws Exception {
    // Prints every 100 ms for ~1.2 s: longer than the idle timeout, never silent that long.
    AgentRunner runner = runner(Duration.ofSeconds(20), Duration.ofMillis(600), "trickle");

    JsonNode answer = runner.run("slow but steady", work, null);

    assertThat(answer.get("text").asText()).isEqualTo("slow but steady");
  }

  @Test
  void a_flood_of_output_is_capped_without_deadlock() throws Exception {
    AgentRunnerConfig base = config("argv", "claude", argv("flood", "{command}"));
    AgentRunner runner =
        new AgentRunner(
            "claude",
            new AgentRunnerConfig(
                base.command(),
                "argv",
                Duration.ofMillis(1500),
                Duration.ofSeconds(30),
                "claude",
                List.of(),
                64 * 1024));
    long started = System.nanoTime();

    TaskFailure failure = failure(() -> runner.run("x", work, null));

    assertThat(failure.kind()).as("it hangs after the flood").isEqualTo("timeout");
    assertThat(failure.getMessage())
        .contains("(wall clock)", "stderr: …", "an error line that goes on and on");
    assertThat(failure.getMessage()).hasSizeLessThan(3000);
    assertThat(elapsed(started)).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void interrupting_the_caller_kills_the_agent_and_rethrows() throws Exception {
    AgentRunner runner = runner(Duration.ofSeconds(60), Duration.ofSeconds(60), "hang");

    Outcome outcome = runInBackground(runner);
    List<ProcessHandle> tree = awaitTree(work.resolve("fake-agent.pid"));
    outcome.thread.interrupt();

    assertThat(outcome.await()).isInstanceOf(InterruptedException.class);
    assertAllGone(tree);
  }

  @Test
  void a_missing_working_directory_fails_permanently() {
    TaskFailure failure =
        failure(
            () -> runner("claude", "claude", "{command}").run("x", tmp.resolve("nowhere"), null));

    assertThat(failure.kind()).isEqualTo("invalid");
    assertThat(failure.permanent()).isTrue();
    assertThat(failure.getMessage()).contains("nowhere", "does not exist");
  }

  @Test
  void a_blank_prompt_fails_permanently() {
    TaskFailure failure =
        failure(() -> runner("claude", "claude", "{command}").run(" ", work, null));

    assertThat(failure.kind()).isEqualTo("invalid");
    assertThat(failure.permanent()).isTrue();
  }

  @Test
  void a_missing_program_fails_permanently() {
    AgentRunner runner =
        new AgentRunner(
            "claude",
            config("argv", "claude", List.of(tmp.resolve("no-claude").toString(), "{command}")));

    TaskFailure failure = failure(() -> runner.run("x", work, null));

    assertThat(failure.kind()).isEqualTo("start_failed");
    assertThat(failure.permanent()).isTrue();
  }

  @Test
  void a_template_without_the_prompt_placeholder_is_refused_up_front() {
    Throwable thrown =
        catchThrowable(() -> new AgentRunner("claude", config("argv", "claude", argv("claude"))));

    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{command}");
  }

  @Test
  void an_unknown_output_format_is_refused_up_front_with_the_known_ones() {
    Throwable thrown =
        catchThrowable(
            () -> new AgentRunner("aider", config("argv", "aider", argv("claude", "{command}"))));

    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "agent runner 'aider': output must be one of [claude, codex, gemini, json, text],"
                + " not aider");
  }

  @Test
  void a_flood_keeps_the_tail_of_stdout_where_a_line_oriented_answer_is() throws Exception {
    AgentRunner runner =
        new AgentRunner(
            "claude",
            new AgentRunnerConfig(
                List.of(
                    "/bin/sh",
                    "-c",
                    "yes 'a log line' | head -c 1000000; echo; printf '%s\\n' \"$1\"",
                    "sh",
                    "{\"type\":\"result\",\"subtype\":\"success\",\"result\":\"{command}\"}"),
                "argv",
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                "claude",
                List.of(),
                64 * 1024));

    JsonNode answer = runner.run("at the end", work, null);

    assertThat(answer.get("text").asText()).isEqualTo("at the end");
  }

  // --- helpers ---

  private List<String> argv(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(fake.toString());
    argv.addAll(List.of(args));
    return argv;
  }

  private static AgentRunnerConfig config(String promptVia, String output, List<String> command) {
    return new AgentRunnerConfig(
        command,
        promptVia,
        Duration.ofSeconds(20),
        Duration.ofSeconds(20),
        output,
        List.of(),
        AgentRunnerConfig.DEFAULT_MAX_OUTPUT_BYTES);
  }

  /** The fake agent in {@code mode}, read as {@code output}, with the prompt in argv. */
  private AgentRunner runner(String output, String mode, String... args) {
    List<String> command = argv(mode);
    command.addAll(List.of(args));
    return new AgentRunner(output, config("argv", output, command));
  }

  private AgentRunner runner(Duration timeout, Duration idleTimeout, String mode) {
    return new AgentRunner(
        "claude",
        new AgentRunnerConfig(
            argv(mode, "{command}"),
            "argv",
            timeout,
            idleTimeout,
            "claude",
            List.of(),
            AgentRunnerConfig.DEFAULT_MAX_OUTPUT_BYTES));
  }

  private interface Call {
    void run() throws Exception;
  }

  private static TaskFailure failure(Call call) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(TaskFailure.class);
    return (TaskFailure) thrown;
  }

  private static Duration elapsed(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private record Outcome(Thread thread, AtomicReference<Throwable> thrown) {
    /** What the run threw, once it returned; null if it succeeded. */
    Throwable await() throws InterruptedException {
      thread.join(Duration.ofSeconds(30));
      assertThat(thread.isAlive()).as("run returned").isFalse();
      return thrown.get();
    }
  }

  private Outcome runInBackground(AgentRunner runner) {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    runner.run("wait for it", work, null);
                  } catch (Throwable t) {
                    thrown.set(t);
                  }
                });
    return new Outcome(thread, thrown);
  }

  private static ProcessHandle awaitPid(Path pidFile) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      String pid = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
      if (!pid.isEmpty()) {
        return ProcessHandle.of(Long.parseLong(pid))
            .orElseGet(() -> fail("the agent exited before it could be seen"));
      }
      Thread.sleep(10);
    }
    return fail("the agent did not start");
  }

  /** The fake agent's shell and its two sleeps, once all three are running. */
  private static List<ProcessHandle> awaitTree(Path pidFile) throws Exception {
    ProcessHandle shell = awaitPid(pidFile);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> tree = new ArrayList<>(shell.descendants().toList());
      if (tree.size() >= 2) {
        tree.add(shell);
        return tree;
      }
      Thread.sleep(10);
    }
    return fail("the agent's children did not start");
  }

  /**
   * Waits on each process's exit (reaped, not merely a zombie): nothing of the tree may survive.
   */
  private static void assertAllGone(List<ProcessHandle> tree) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<ProcessHandle> survivors = new ArrayList<>();
    for (ProcessHandle process : tree) {
      try {
        process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        survivors.add(process);
      }
    }
    assertThat(survivors).as("processes still running").isEmpty();
  }
}
