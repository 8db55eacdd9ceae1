package dev.coordd.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published Claude Code, headless ({@code claude -p}), in a repository set up by {@code coordd
 * init claude}, against a fake model that scripts a claim and a complete through coordd's MCP
 * tools, and a real daemon.
 */
@Tag("agents")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClaudeCodeIT {
  @TempDir Path dir;
  Daemon daemon;
  FakeModelServer model;

  @AfterEach
  void stop() {
    if (model != null) {
      model.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void claude_code_claims_and_completes_a_task_through_coordd_mcp_and_sees_the_session_start_text()
      throws Exception {
    Path claude = AgentClis.require("claude");
    Sandbox box = new Sandbox(dir);
    daemon = Daemon.start(ConfigLoader.load(box.coorddHome, Map.of(), Map.of()));
    model = FakeModelServer.start();

    TimedRun init =
        box.coordd(model, dir.resolve("logs"), "init", "claude", "--dir", box.repo.toString());
    assertThat(init.exit()).as(init.describe()).isZero();

    // The session's agent is named from its session id, so a task can wait for it by name.
    String sessionId = UUID.randomUUID().toString();
    String agent = "claude-" + sessionId.substring(0, 8);
    Task task =
        daemon
            .service()
            .createTask(
                NewTask.of("review")
                    .withDescription("review the flaky login test (marker 7f3a)")
                    .withAssignedTo(agent));
    model.script(new ClaimAndComplete("mcp__coordd__", agent, List.of("review"), "looks good"));

    TimedRun run =
        TimedRun.run(
            box.process(
                model,
                List.of(
                    claude.toString(),
                    "-p",
                    "Claim your coordd task and complete it.",
                    "--output-format",
                    "json",
                    "--session-id",
                    sessionId,
                    "--allowedTools",
                    "mcp__coordd")),
            dir.resolve("logs"),
            "claude",
            Duration.ofSeconds(90));

    assertThat(run.exit()).as(run.describe() + model.allBodies()).isZero();
    JsonNode result = Json.read(run.out());
    assertThat(result.path("is_error").asBoolean()).as(run.out()).isFalse();
    assertThat(result.path("session_id").asText()).isEqualTo(sessionId);
    assertThat(model.allBodies())
        .as("the SessionStart hook's text reached the model")
        .contains("marker 7f3a");
    Task done = daemon.service().getTask(task.id());
    assertThat(done.status()).as("%s\n%s", done, run.describe()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.runs().getLast().worker()).isEqualTo(agent);
    assertThat(done.result().path("summary").asText()).isEqualTo("looks good");
  }
}
