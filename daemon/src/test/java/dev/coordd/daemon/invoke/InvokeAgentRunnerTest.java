package dev.coordd.daemon.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.internal.Json;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** invoke_agent with a runner configured: the daemon runs the (fake) agent CLI headless. */
class InvokeAgentRunnerTest {
  @TempDir Path dir;

  private Map<String, String> runnerConfig(String mode) throws Exception {
    Path fake = dir.resolve("fake-agent.sh");
    if (!Files.exists(fake)) {
      try (InputStream in = getClass().getResourceAsStream("/fake-agent.sh")) {
        Files.copy(in, fake);
      }
      Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    }
    String runners =
        Json.write(
            Map.of(
                "claude_code",
                Map.of(
                    "command",
                    List.of(fake.toString(), mode, "{command}"),
                    "output",
                    "claude",
                    "timeout",
                    "5s",
                    "idleTimeout",
                    "2s")));
    return Map.of("agentRunners", runners);
  }

  private NewTask invoke(String mode, Path cwd) {
    var data =
        Json.MAPPER
            .createObjectNode()
            .put("agentType", "claude_code")
            .put("command", "explain $(rm -rf /) \"quoted\"");
    if (mode != null) {
      data.put("mode", mode);
    }
    data.putObject("context").put("cwd", cwd.toString());
    return NewTask.of("invoke_agent").withData(data).withMaxAttempts(1);
  }

  @Test
  void with_a_runner_the_agent_runs_headless_and_its_result_is_kept() throws Exception {
    Path work = Files.createDirectories(dir.resolve("repo"));
    try (DaemonFixture f = new DaemonFixture(dir, runnerConfig("claude"))) {
      Task t = f.service().createTask(invoke(null, work));
      Task done = f.service().awaitTask(t.id(), 20_000);
      assertThat(done.status()).as("%s", done.error()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.result().get("agentType").asText()).isEqualTo("claude_code");
      assertThat(done.result().get("text").asText()).contains("explain $(rm -rf /) \"quoted\"");
      assertThat(done.result().get("sessionId").asText()).isNotBlank();
      assertThat(done.result().at("/raw/cwd").asText()).isEqualTo(work.toString());
      assertThat(f.service().listInvocations()).isEmpty();
    }
  }

  @Test
  void a_hanging_agent_is_killed_and_the_attempt_fails_with_the_timeout() throws Exception {
    Path work = Files.createDirectories(dir.resolve("repo"));
    try (DaemonFixture f = new DaemonFixture(dir, runnerConfig("hang"))) {
      Task t = f.service().createTask(invoke(null, work));
      Task failed = f.service().awaitTask(t.id(), 30_000);
      assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(failed.error().kind()).isEqualTo("timeout");
    }
  }

  @Test
  void mode_queue_queues_even_when_a_runner_exists() throws Exception {
    Path work = Files.createDirectories(dir.resolve("repo"));
    try (DaemonFixture f = new DaemonFixture(dir, runnerConfig("claude"))) {
      Task t = f.service().createTask(invoke("queue", work));
      f.awaitStatus(t.id(), TaskStatus.WAITING);
      assertThat(f.service().listInvocations())
          .singleElement()
          .satisfies(i -> assertThat(i.taskId()).isEqualTo(t.id()));
    }
  }
}
