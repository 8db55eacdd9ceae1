package dev.coordd.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.invoke.InvocationFiles;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coordd check} in-process, with and without a daemon. */
class CheckCommandTest {
  @TempDir Path dir;

  Path home() {
    return dir.resolve("home");
  }

  Result run(String... args) {
    return CliRun.inHome(home(), args);
  }

  @Test
  void check_works_from_the_files_alone_and_the_next_daemon_settles_the_task() {
    String taskId;
    try (Daemon d = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()))) {
      taskId =
          d.service()
              .createTask(
                  NewTask.of("invoke_agent")
                      .withData(
                          Json.read(
                              "{\"agentType\":\"gemini\",\"command\":\"summarise the logs\"}")))
              .id();
      long until = System.nanoTime() + 10_000_000_000L;
      while (d.service().listInvocations().isEmpty() && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }
    Result list = run("check");
    assertThat(list.exit()).isZero();
    assertThat(list.out())
        .contains("gemini")
        .contains("summarise the logs")
        .contains("coordd check process");
    String id = new InvocationFiles(home(), Clock.systemUTC()).pendingInvocations().get(0).id();

    Result taken = run("check", "process", id, "--agent", "gemini-7");
    assertThat(taken.exit()).as(taken.err()).isZero();
    assertThat(taken.out()).contains("is yours, gemini-7").contains("summarise the logs");
    Result again = run("check", "process", id, "--agent", "someone");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already being processed by gemini-7");

    Result done = run("check", "complete", id, "--result", "{\"summary\":\"quiet night\"}");
    assertThat(done.exit()).as(done.err()).isZero();
    assertThat(done.out()).contains("completed").contains("settled when one starts");
    assertThat(run("check").out()).contains("no pending invocations");

    try (Daemon d = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()))) {
      Task t = d.service().getTask(taskId);
      assertThat(t.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(t.result().get("summary").asText()).isEqualTo("quiet night");
    }
  }

  @Test
  void a_bad_id_is_a_usage_error_and_an_unknown_one_is_not_found() {
    Result bad = run("check", "process", "../../etc/passwd");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("invalid invocation id");
    Result unknown = run("check", "complete", "0123-nope");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("no invocation with id 0123-nope");
  }

  @Test
  void cleanup_says_how_many_it_deleted() {
    InvocationFiles files = new InvocationFiles(home(), Clock.systemUTC());
    Invocation a = files.create("t", "claude_code", "x", null, null);
    files.fail(a.id(), "no");
    assertThat(run("check", "cleanup").out()).contains("deleted 0 archived invocation(s)");
    assertThat(run("check", "cleanup", "0").out()).contains("deleted 1 archived invocation(s)");
    assertThat(run("check", "cleanup", "-3").exit()).isEqualTo(2);
  }
}
