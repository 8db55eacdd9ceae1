package dev.coordd.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
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
 * The published Gemini CLI, headless ({@code gemini -p --output-format json}), with the MCP server
 * {@code coordd init gemini} wrote into the project's {@code .gemini/settings.json}, against a fake
 * Gemini API.
 */
@Tag("agents")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GeminiIT {
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
  void gemini_cli_claims_and_completes_a_task_through_coordd_mcp() throws Exception {
    Path gemini = AgentClis.require("gemini");
    Sandbox box = new Sandbox(dir);
    daemon = Daemon.start(ConfigLoader.load(box.coorddHome, Map.of(), Map.of()));
    model = FakeModelServer.start();
    box.writeHomeFile(
        ".gemini/settings.json",
        """
        {"general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
         "privacy": {"usageStatisticsEnabled": false},
         "security": {"auth": {"selectedType": "gemini-api-key"}}}
        """);

    TimedRun init =
        box.coordd(model, dir.resolve("logs"), "init", "gemini", "--dir", box.repo.toString());
    assertThat(init.exit()).as(init.describe()).isZero();
    trustCoorddServer(box.repo.resolve(".gemini/settings.json"));

    String agent = "gemini-e2e";
    Task task =
        daemon
            .service()
            .createTask(
                NewTask.of("review").withDescription("review the lexer").withAssignedTo(agent));
    model.script(new ClaimAndComplete("mcp_coordd_", agent, List.of("review"), "lexer ok"));

    TimedRun run =
        TimedRun.run(
            box.process(
                model,
                List.of(
                    gemini.toString(),
                    "-p",
                    "Claim your coordd task and complete it.",
                    "--output-format",
                    "json")),
            dir.resolve("logs"),
            "gemini",
            Duration.ofSeconds(100));

    assertThat(run.exit()).as(run.describe() + model.allBodies()).isZero();
    JsonNode out = Json.read(run.out().substring(run.out().indexOf('{')));
    assertThat(out.path("response").asText()).isEqualTo("Done: lexer ok");
    Task done = daemon.service().getTask(task.id());
    assertThat(done.status()).as("%s\n%s", done, run.describe()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.runs().getLast().worker()).isEqualTo(agent);
    assertThat(done.result().path("summary").asText()).isEqualTo("lexer ok");
    assertThat(model.allBodies())
        .as("the coordd MCP server's instructions reached the model")
        .contains("instructions provided by the tool server 'coordd'");
  }

  /**
   * Headless, Gemini CLI does not even offer the model an MCP tool that would need a confirmation;
   * {@code "trust": true} on the server is what makes coordd's tools usable there. Set it unless
   * init already did.
   */
  private static void trustCoorddServer(Path settings) throws Exception {
    ObjectNode root = (ObjectNode) Json.read(Files.readString(settings));
    ObjectNode server = (ObjectNode) root.path("mcpServers").path("coordd");
    if (!server.has("trust")) {
      server.put("trust", true);
      Files.writeString(settings, Json.write(root));
    }
  }
}
