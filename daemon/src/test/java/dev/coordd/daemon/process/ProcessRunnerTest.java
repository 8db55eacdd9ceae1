package dev.coordd.daemon.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

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
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
  private final ProcessRunner runner = new ProcessRunner();

  @TempDir Path tmp;

  @Test
  void children_left_behind_by_a_program_that_exits_normally_are_killed() throws Exception {
    Path pidFile = tmp.resolve("child.pid");
    Result r =
        runner.run(
            Spec.of(
                "/bin/sh",
                "-c",
                "sleep 300 >/dev/null 2>&1 & echo $! > " + pidFile + "; sleep 1; echo done"));
    assertThat(r.exitCode()).isZero();
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Optional<ProcessHandle> child = ProcessHandle.of(pid);
    if (child.isPresent()) {
      // a killed orphan may linger briefly as a zombie until init reaps it
      child.get().onExit().get(10, TimeUnit.SECONDS);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void exit_code_stdout_and_stderr_come_back_separately() throws Exception {
    Result r = runner.run(sh("echo out; echo err >&2; exit 5"));

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.stdoutText()).isEqualTo("out\n");
    assertThat(r.stderrTail(100)).isEqualTo("err");
    assertThat(r.timedOut()).isEqualTo(TimedOut.NONE);
    assertThat(r.stdoutTruncated()).isFalse();
    assertThat(r.stderrTruncated()).isFalse();
    assertThat(r.duration()).isPositive();
  }

  @Test
  void arguments_are_passed_as_is_without_a_shell() throws Exception {
    String arg = "it's \"quoted\" $(touch pwned) `id` ; rm -rf x && echo $HOME";

    Result r = runner.run(Spec.of("/bin/echo", arg).withWorkingDirectory(tmp));

    assertThat(r.stdoutText()).isEqualTo(arg + "\n");
    assertThat(tmp.resolve("pwned")).doesNotExist();
  }

  @Test
  void stdin_bytes_reach_the_program_and_are_closed_after() throws Exception {
    byte[] input = "x".repeat(2 << 20).getBytes(StandardCharsets.UTF_8); // more than a pipe holds

    Result r = runner.run(Spec.of("cat").withStdin(input).withMaxOutputBytes(4 << 20));

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo(input);
  }

  @Test
  void without_stdin_the_program_sees_end_of_input_at_once() throws Exception {
    Result r = runner.run(Spec.of("cat").withTimeout(Duration.ofSeconds(10)));

    assertThat(r.timedOut()).isEqualTo(TimedOut.NONE);
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void runs_in_the_given_working_directory() throws Exception {
    Result r = runner.run(Spec.of("pwd", "-P").withWorkingDirectory(tmp));

    assertThat(r.stdoutText().strip()).isEqualTo(tmp.toRealPath().toString());
  }

  @Test
  void a_program_that_cannot_start_is_an_io_exception() {
    assertThatThrownBy(() -> runner.run(Spec.of(tmp.resolve("no-such-program").toString())))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> runner.run(Spec.of("true").withWorkingDirectory(tmp.resolve("no-such-dir"))))
        .isInstanceOf(IOException.class);
  }

  @Test
  void wall_clock_timeout_kills_the_whole_tree() throws Exception {
    Path pidFile = tmp.resolve("pid");
    Spec spec = hangingTree(pidFile, "").withTimeout(Duration.ofMillis(800));
    long started = System.nanoTime();

    Outcome outcome = runInBackground(spec);
    List<ProcessHandle> tree = awaitTree(pidFile);
    Result r = outcome.await();

    assertThat(r.timedOut()).isEqualTo(TimedOut.WALL_CLOCK);
    assertThat(r.exitCode()).as("killed, so no exit code").isNull();
    assertThat(r.stdoutText()).isEqualTo("started\n");
    assertThat(elapsed(started)).isLessThan(Duration.ofSeconds(5));
    assertAllGone(tree);
  }

  @Test
  void a_tree_that_ignores_sigterm_is_killed_forcibly_after_the_grace() throws Exception {
    Path pidFile = tmp.resolve("pid");
    // An ignored signal stays ignored in the children, so only SIGKILL ends any of them.
    Spec spec = hangingTree(pidFile, "trap '' TERM;").withTimeout(Duration.ofMillis(500));
    ProcessRunner quick = new ProcessRunner(Duration.ofMillis(300));

    Outcome outcome = runInBackground(quick, spec);
    List<ProcessHandle> tree = awaitTree(pidFile);
    Result r = outcome.await();

    assertThat(r.timedOut()).isEqualTo(TimedOut.WALL_CLOCK);
    assertAllGone(tree);
  }

  @Test
  void idle_timeout_fires_while_the_wall_clock_would_not() throws Exception {
    Path pidFile = tmp.resolve("pid");
    Spec spec =
        hangingTree(pidFile, "")
            .withTimeout(Duration.ofSeconds(60))
            .withIdleTimeout(Duration.ofMillis(400));
    long started = System.nanoTime();

    Outcome outcome = runInBackground(spec);
    List<ProcessHandle> tree = awaitTree(pidFile);
    Result r = outcome.await();

    assertThat(r.timedOut()).isEqualTo(TimedOut.IDLE);
    assertThat(r.exitCode()).isNull();
    assertThat(elapsed(started)).isLessThan(Duration.ofSeconds(5));
    assertAllGone(tree);
  }

  @Test
  void output_on_stdout_keeps_the_idle_timer_from_firing() throws Exception {
    Result r =
        runner.run(
            sh(ticks(12, ""))
                .withTimeout(Duration.ofSeconds(20))
                .withIdleTimeout(Duration.ofMillis(500)));

    assertThat(r.timedOut()).isEqualTo(TimedOut.NONE);
    assertThat(r.exitCode()).isZero();
    assertThat(r.duration()).isGreaterThan(Duration.ofMillis(1000)); // longer than idleTimeout
  }

  @Test
  void output_on_stderr_alone_also_keeps_the_idle_timer_from_firing() throws Exception {
    Result r =
        runner.run(
            sh(ticks(12, ">&2"))
                .withTimeout(Duration.ofSeconds(20))
                .withIdleTimeout(Duration.ofMillis(500)));

    assertThat(r.timedOut()).isEqualTo(TimedOut.NONE);
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void a_program_that_ends_within_its_limits_is_not_timed_out() throws Exception {
    Result r =
        runner.run(
            sh("sleep 0.2; echo done")
                .withTimeout(Duration.ofSeconds(10))
                .withIdleTimeout(Duration.ofSeconds(5)));

    assertThat(r.timedOut()).isEqualTo(TimedOut.NONE);
    assertThat(r.stdoutText()).isEqualTo("done\n");
  }

  @Test
  void a_flood_on_both_streams_is_capped_without_deadlock() throws Exception {
    int cap = 64 * 1024;
    Result r =
        runner.run(
            sh("(yes err | head -c 3000000 >&2) & yes out | head -c 3000000; wait; echo END >&2")
                .withMaxOutputBytes(cap)
                .withTimeout(Duration.ofSeconds(30)));

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).hasSize(cap);
    assertThat(r.stdoutText()).startsWith("out\nout\n");
    assertThat(r.stdoutTotal()).isEqualTo(3_000_000);
    assertThat(r.stdoutTruncated()).isTrue();
    assertThat(r.stderr()).hasSize(cap);
    assertThat(r.stderrTotal()).isEqualTo(3_000_004);
    assertThat(r.stderrTruncated()).isTrue();
    assertThat(r.stderrTail(100)).startsWith("…").endsWith("END");
  }

  @Test
  void stdout_can_keep_its_tail_instead_of_its_head() throws Exception {
    Result r =
        runner.run(
            sh("yes out | head -c 1000000; echo LAST")
                .withMaxOutputBytes(1000)
                .withKeepStdoutTail(true));

    assertThat(r.stdout()).hasSize(1000);
    assertThat(r.stdoutText()).endsWith("out\nLAST\n");
    assertThat(r.stdoutTruncated()).isTrue();
  }

  @Test
  void a_flood_that_then_hangs_is_killed_on_the_wall_clock() throws Exception {
    long started = System.nanoTime();

    Result r =
        runner.run(
            sh("yes out | head -c 5000000; yes err | head -c 5000000 >&2; sleep 1000; exit 0")
                .withMaxOutputBytes(10_000)
                .withTimeout(Duration.ofSeconds(1)));

    assertThat(r.timedOut()).isEqualTo(TimedOut.WALL_CLOCK);
    assertThat(r.stdout()).hasSize(10_000);
    assertThat(r.stdoutTotal()).isEqualTo(5_000_000);
    assertThat(elapsed(started)).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void interrupting_the_caller_kills_the_tree_and_rethrows() throws Exception {
    Path pidFile = tmp.resolve("pid");

    Outcome outcome = runInBackground(hangingTree(pidFile, ""));
    List<ProcessHandle> tree = awaitTree(pidFile);
    outcome.thread.interrupt();
    outcome.thread.join(Duration.ofSeconds(20));

    assertThat(outcome.thread.isAlive()).isFalse();
    assertThat(outcome.thrown.get()).isInstanceOf(InterruptedException.class);
    assertAllGone(tree);
  }

  @Test
  void spec_refuses_an_empty_argv_and_non_positive_limits() {
    assertThatThrownBy(() -> Spec.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spec.of("true").withMaxOutputBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spec.of("true").withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spec.of("true").withIdleTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- helpers ---

  private static Spec sh(String script) {
    return Spec.of("/bin/sh", "-c", script);
  }

  /** A shell printing a line every 100 ms, {@code n} times, to stdout or wherever redirected. */
  private static String ticks(int n, String redirect) {
    return "i=0; while [ $i -lt "
        + n
        + " ]; do echo tick "
        + redirect
        + "; sleep 0.1; i=$((i + 1)); done";
  }

  /**
   * A shell that records its pid, prints a line, then waits on a background and a foreground child.
   * The final {@code exit} stops the shell from exec-ing the last command in place of itself.
   */
  private static Spec hangingTree(Path pidFile, String prelude) {
    return sh(
        prelude
            + " echo $$ > '"
            + pidFile
            + "'; echo started; sleep 1000 & sleep 1000;"
            + " exit 0");
  }

  private static Duration elapsed(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private record Outcome(
      Thread thread, AtomicReference<Result> result, AtomicReference<Throwable> thrown) {
    Result await() throws InterruptedException {
      thread.join(Duration.ofSeconds(30));
      assertThat(thread.isAlive()).as("run returned").isFalse();
      if (thrown.get() != null) {
        throw new AssertionError("run threw", thrown.get());
      }
      return result.get();
    }
  }

  private Outcome runInBackground(Spec spec) {
    return runInBackground(runner, spec);
  }

  private static Outcome runInBackground(ProcessRunner runner, Spec spec) {
    AtomicReference<Result> result = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    result.set(runner.run(spec));
                  } catch (Throwable t) {
                    thrown.set(t);
                  }
                });
    return new Outcome(thread, result, thrown);
  }

  /** The shell and its two sleeps, once all three are running. */
  static List<ProcessHandle> awaitTree(Path pidFile) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      String pid = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
      if (!pid.isEmpty()) {
        ProcessHandle shell = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
        if (shell == null) {
          return fail("the process exited before its tree could be seen");
        }
        List<ProcessHandle> tree = new ArrayList<>(shell.descendants().toList());
        if (tree.size() >= 2) {
          tree.add(shell);
          return tree;
        }
      }
      Thread.sleep(10);
    }
    return fail("the process tree did not start");
  }

  /**
   * Waits on each process's exit rather than polling isAlive: SIGKILL is asynchronous, and an
   * orphan that has exited counts as alive until init reaps its zombie, which can take a while.
   */
  static void assertAllGone(List<ProcessHandle> tree) throws InterruptedException {
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
