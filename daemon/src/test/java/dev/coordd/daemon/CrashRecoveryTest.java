package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real daemon process killed with SIGKILL mid-task, then reopened in this JVM. */
class CrashRecoveryTest {
  @TempDir Path dir;

  @Test
  void after_kill_9_acknowledged_tasks_survive_and_the_running_one_runs_again_as_attempt_2()
      throws Exception {
    Path home = dir.resolve("home");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashingDaemonMain.class.getName(),
                home.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> acked = new ArrayList<>();
    String running = null;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (running == null && (line = out.readLine()) != null) {
        if (line.startsWith("ACKED ")) {
          acked.add(line.substring(6));
        } else if (line.startsWith("RUNNING ")) {
          running = line.substring(8);
        }
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful requeue
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(running).as("the child started the blocking task").isNotNull();
    assertThat(acked).hasSize(100);

    SettableClock clock = new SettableClock(System.currentTimeMillis());
    DaemonConfig config = ConfigLoader.load(home, Map.of(), Map.of());
    try (Daemon daemon = Daemon.start(config, clock)) {
      List<String> stored =
          daemon.service().listTasks(new TaskQuery(TaskStatus.QUEUED, "later", null, 1000)).stream()
              .map(Task::id)
              .toList();
      assertThat(stored).containsExactlyInAnyOrderElementsOf(acked);

      Task recovered = daemon.service().getTask(running);
      assertThat(recovered.status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(recovered.attempts()).isEqualTo(1);
      assertThat(recovered.error().kind()).isEqualTo("lease_expired");

      daemon.registerHandler("block", ctx -> TextNode.valueOf("done on attempt " + ctx.attempt()));
      clock.step(Duration.ofMinutes(1)); // past the retry backoff
      daemon.engine().housekeeper().tick();
      Task done = daemon.service().awaitTask(running, 10000);
      assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.result().asText()).isEqualTo("done on attempt 2");
      assertThat(done.runs()).extracting(TaskRun::attempt).containsExactly(1, 2);
      assertThat(done.runs().get(0).error().message())
          .contains("the daemon stopped while the task was running");
    }
  }
}
