package dev.coordd.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published Codex CLI, headless ({@code codex exec --json}), with the MCP server {@code coordd
 * init codex} wrote into {@code $HOME/.codex/config.toml}, against a fake OpenAI Responses API.
 */
@Tag("agents")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CodexIT {
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
  void codex_exec_claims_and_completes_a_task_through_coordd_mcp() throws Exception {
    Path codex = AgentClis.require("codex");
    Sandbox box = new Sandbox(dir);
    daemon = Daemon.start(ConfigLoader.load(box.coorddHome, Map.of(), Map.of()));
    model = FakeModelServer.start();
    // The user's own settings, which init must keep: the fake as the model provider.
    box.writeHomeFile(
        ".codex/config.toml",
        """
        model = "gpt-5-codex"
        model_provider = "fake"
        check_for_update_on_startup = false

        [model_providers.fake]
        name = "fake"
        base_url = "%s/v1"
        env_key = "FAKE_OPENAI_API_KEY"
        wire_api = "responses"
        request_max_retries = 0
        stream_max_retries = 0
        """
            .formatted(model.baseUrl()));

    TimedRun init =
        box.coordd(model, dir.resolve("logs"), "init", "codex", "--dir", box.repo.toString());
    assertThat(init.exit()).as(init.describe()).isZero();
    assertThat(Files.readString(box.userHome.resolve(".codex/config.toml")))
        .contains("[mcp_servers.coordd]", "[model_providers.fake]");

    String agent = "codex-e2e";
    Task task =
        daemon
            .service()
            .createTask(
                NewTask.of("review").withDescription("review the parser").withAssignedTo(agent));
    model.script(new ClaimAndComplete("mcp__coordd__", agent, List.of("review"), "parser ok"));

    ProcessBuilder pb =
        box.process(
            model,
            List.of(
                codex.toString(),
                "exec",
                "--json",
                // Headless, Codex refuses MCP calls nobody approves unless the server's tools
                // are approved ahead; and it starts the first turn without waiting for MCP
                // servers that are not required, so a slow server's tools would be missing.
                "-c",
                "mcp_servers.coordd.default_tools_approval_mode=\"approve\"",
                "-c",
                "mcp_servers.coordd.required=true",
                // coordd mcp starts a JVM, slow on a loaded machine; required fails at the limit
                "-c",
                "mcp_servers.coordd.startup_timeout_sec=90",
                "Claim your coordd task and complete it."));
    pb.environment().put("FAKE_OPENAI_API_KEY", "sk-fake-key-for-tests");
    TimedRun run = TimedRun.run(pb, dir.resolve("logs"), "codex", Duration.ofSeconds(100));

    assertThat(run.exit()).as(run.describe() + model.allBodies()).isZero();
    assertThat(run.out()).contains("Done: parser ok");
    Task done = daemon.service().getTask(task.id());
    assertThat(done.status()).as("%s\n%s", done, run.describe()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.runs().getLast().worker()).isEqualTo(agent);
    assertThat(done.result().path("summary").asText()).isEqualTo("parser ok");
    // init's AGENTS.md section is how Codex learns about coordd at the start of a session.
    String section =
        Files.readAllLines(box.repo.resolve("AGENTS.md")).stream()
            .filter(l -> l.contains("coordd") && !l.contains("\"") && !l.contains("\\"))
            .findFirst()
            .orElseThrow();
    assertThat(model.allBodies()).as("AGENTS.md reached the model").contains(section);
  }
}
