package dev.coordd.daemon.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.daemon.config.CommandHandlerConfig;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandHandlerTest {
  private static final int MAX_OUTPUT = CommandHandlerConfig.DEFAULT_MAX_OUTPUT_BYTES;

  @TempDir Path tmp;

  @Test
  void stdout_json_becomes_the_result() throws Exception {
    CommandHandler handler = handler(sh("cat >/dev/null; echo '{\"ok\":true}'"));

    assertThat(run(handler)).isEqualTo(Json.read("{\"ok\":true}"));
  }

  @Test
  void the_whole_task_arrives_as_json_on_stdin() throws Exception {
    // grep -o cuts the fields out of the compact JSON Jackson writes; "type" occurs only once.
    Path script = tmp.resolve("echo-task.sh");
    Files.writeString(
        script,
        """
        input=$(cat)
        type=$(printf '%s' "$input" | grep -o '"type":"[^"]*"')
        data=$(printf '%s' "$input" | grep -o '"data":{[^}]*}')
        printf '{%s,%s}\\n' "$type" "$data"
        """);
    CommandHandler handler = handler(List.of("/bin/sh", script.toString()));

    JsonNode result = handler.handle(TestContexts.running("echo", "{\"n\":1}"));

    assertThat(result).isEqualTo(Json.read("{\"type\":\"echo\",\"data\":{\"n\":1}}"));
  }

  @Test
  void arguments_are_passed_as_is_without_a_shell() throws Exception {
    CommandHandler handler = handler(List.of("/bin/echo", "\"$HOME; rm -rf x\""));

    assertThat(run(handler).asText()).isEqualTo("$HOME; rm -rf x");
  }

  @Test
  void runs_in_the_configured_working_directory() throws Exception {
    CommandHandlerConfig config =
        new CommandHandlerConfig(
            sh("cat >/dev/null; printf '\"%s\"' \"$(pwd -P)\""), tmp, null, null, MAX_OUTPUT);

    assertThat(run(new CommandHandler("echo", config)).asText())
        .isEqualTo(tmp.toRealPath().toString());
  }

  @Test
  void a_command_that_ignores_a_large_task_on_stdin_still_succeeds() throws Exception {
    ObjectNode data = Json.MAPPER.createObjectNode().put("blob", "x".repeat(1 << 20));
    CommandHandler handler = handler(sh("echo 7"));

    assertThat(handler.handle(TestContexts.running("echo", data)).asInt()).isEqualTo(7);
  }

  @Test
  void a_background_child_holding_stdout_does_not_hold_up_the_result() throws Exception {
    CommandHandler handler = handler(sh("cat >/dev/null; sleep 8 & echo 1"));
    long started = System.nanoTime();

    assertThat(run(handler).asInt()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void non_zero_exit_fails_retryably_with_stderr_kept() {
    CommandHandler handler = handler(sh("cat >/dev/null; echo 'disk on fire' >&2; exit 3"));

    TaskFailure failure = failure(handler);

    assertThat(failure.kind()).isEqualTo("exit_code");
    assertThat(failure.permanent()).isFalse();
    assertThat(failure.getMessage()).contains("exited with 3", "disk on fire");
  }

  @Test
  void only_the_tail_of_a_long_stderr_is_kept() {
    CommandHandlerConfig config =
        new CommandHandlerConfig(
            sh("head -c 100000 /dev/zero | tr '\\0' x >&2; echo 'the real reason' >&2; exit 1"),
            null,
            null,
            null,
            1000);

    TaskFailure failure = failure(new CommandHandler("echo", config));

    assertThat(failure.getMessage()).endsWith("the real reason").contains("…");
    assertThat(failure.getMessage()).hasSizeLessThan(1200);
  }

  @Test
  void garbage_on_stdout_fails_as_invalid_result() {
    CommandHandler handler = handler(sh("cat >/dev/null; echo 'not json at all'; echo hint >&2"));

    TaskFailure failure = failure(handler);

    assertThat(failure.kind()).isEqualTo("invalid_result");
    assertThat(failure.permanent()).isFalse();
    assertThat(failure.getMessage()).contains("not JSON", "not json at all", "hint");
  }

  @Test
  void empty_stdout_fails_as_invalid_result() {
    TaskFailure failure = failure(handler(sh("cat >/dev/null")));

    assertThat(failure.kind()).isEqualTo("invalid_result");
    assertThat(failure.getMessage()).contains("nothing on stdout");
  }

  @Test
  void json_followed_by_garbage_fails_as_invalid_result() {
    TaskFailure failure = failure(handler(sh("cat >/dev/null; echo '{\"a\":1} trailing'")));

    assertThat(failure.kind()).isEqualTo("invalid_result");
  }

  @Test
  void stdout_over_max_output_bytes_fails_and_says_so() {
    CommandHandlerConfig config =
        new CommandHandlerConfig(
            sh("cat >/dev/null; echo '{\"a\":\"0123456789012345678901234567890\"}'"),
            null,
            null,
            null,
            16);

    TaskFailure failure = failure(new CommandHandler("echo", config));

    assertThat(failure.kind()).isEqualTo("invalid_result");
    assertThat(failure.getMessage()).contains("maxOutputBytes", "discarded");
  }

  @Test
  void a_missing_program_fails_permanently() {
    TaskFailure failure = failure(handler(List.of(tmp.resolve("no-such-program").toString())));

    assertThat(failure.kind()).isEqualTo("start_failed");
    assertThat(failure.permanent()).isTrue();
  }

  @Test
  void data_schema_is_the_configured_one() {
    JsonNode schema = Json.read("{\"type\":\"object\"}");
    CommandHandlerConfig config = new CommandHandlerConfig(sh("true"), null, null, schema, 100);

    assertThat(new CommandHandler("echo", config).dataSchema()).isSameAs(schema);
  }

  @Test
  void a_hang_is_killed_by_the_config_timeout_with_its_children() throws Exception {
    Path pidFile = tmp.resolve("pid");
    CommandHandler handler = handler(hangingTree(pidFile, ""), Duration.ofSeconds(2));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    long started = System.nanoTime();

    Thread worker = runInBackground(handler, thrown);
    List<ProcessHandle> tree = awaitTree(pidFile);
    worker.join(Duration.ofSeconds(20));

    assertThat(worker.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(TaskFailure.class);
    TaskFailure failure = (TaskFailure) thrown.get();
    assertThat(failure.kind()).isEqualTo("timeout");
    assertThat(failure.permanent()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertAllGone(tree);
  }

  @Test
  void a_tree_that_ignores_sigterm_is_killed_forcibly() throws Exception {
    Path pidFile = tmp.resolve("pid");
    // An ignored signal stays ignored in the children, so only SIGKILL ends any of them.
    CommandHandler handler = handler(hangingTree(pidFile, "trap '' TERM;"), Duration.ofSeconds(1));
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Thread worker = runInBackground(handler, thrown);
    List<ProcessHandle> tree = awaitTree(pidFile);
    worker.join(Duration.ofSeconds(20));

    assertThat(thrown.get()).isInstanceOf(TaskFailure.class);
    assertThat(((TaskFailure) thrown.get()).kind()).isEqualTo("timeout");
    assertAllGone(tree);
  }

  @Test
  void interrupting_the_handler_kills_the_tree_and_rethrows_interrupted() throws Exception {
    Path pidFile = tmp.resolve("pid");
    CommandHandler handler = handler(hangingTree(pidFile, ""), null);
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Thread worker = runInBackground(handler, thrown);
    List<ProcessHandle> tree = awaitTree(pidFile);
    worker.interrupt();
    worker.join(Duration.ofSeconds(20));

    assertThat(worker.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertAllGone(tree);
  }

  // --- helpers ---

  private static List<String> sh(String script) {
    return List.of("/bin/sh", "-c", script);
  }

  /**
   * A shell that records its pid, then waits on a background and a foreground child. The final
   * {@code exit} stops the shell from exec-ing the last command in place of itself.
   */
  private static List<String> hangingTree(Path pidFile, String prelude) {
    return sh(prelude + " echo $$ > '" + pidFile + "'; sleep 1000 & sleep 1000; exit 0");
  }

  private static CommandHandler handler(List<String> command) {
    return handler(command, null);
  }

  private static CommandHandler handler(List<String> command, Duration timeout) {
    return new CommandHandler(
        "echo", new CommandHandlerConfig(command, null, timeout, null, MAX_OUTPUT));
  }

  private static TaskContext context() {
    return TestContexts.running("echo", "{\"n\":1}");
  }

  private static JsonNode run(CommandHandler handler) throws Exception {
    return handler.handle(context());
  }

  private static TaskFailure failure(CommandHandler handler) {
    Throwable thrown = catchThrowable(() -> run(handler));
    assertThat(thrown).isInstanceOf(TaskFailure.class);
    return (TaskFailure) thrown;
  }

  private static Thread runInBackground(CommandHandler handler, AtomicReference<Throwable> thrown) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                handler.handle(context());
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
  }

  /** The shell and its two sleeps, once all three are running. */
  private static List<ProcessHandle> awaitTree(Path pidFile) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      String pid = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
      if (!pid.isEmpty()) {
        ProcessHandle shell = ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
        List<ProcessHandle> tree = new ArrayList<>(shell.descendants().toList());
        if (tree.size() >= 2) {
          tree.add(shell);
          return tree;
        }
      }
      Thread.sleep(20);
    }
    return fail("the command's process tree did not start");
  }

  /**
   * Waits on each process's exit rather than polling isAlive: SIGKILL is asynchronous, and an
   * orphan that has exited counts as alive until init reaps its zombie, which can take a while.
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
