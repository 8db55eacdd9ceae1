package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.CoordinationService;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** task_create_batch against a real daemon over its socket. */
class TaskBatchToolTest {
  @TempDir Path dir;
  Daemon daemon;
  CoorddTools tools;

  @BeforeEach
  void start() {
    Path home = dir.resolve("home");
    daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
    tools = new CoorddTools(() -> CoorddClient.connect(home));
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  @Test
  void every_task_gets_its_summary_or_its_error_in_order() {
    CallToolResult r =
        tools.call(
            "task_create_batch",
            Map.of(
                "tasks",
                List.of(
                    Map.of("type", "review", "assignedTo", "alice", "description", "first"),
                    Map.of("type", "review"),
                    Map.of("type", "review", "assignedTo", "alice", "wait", "10s"),
                    "not a task",
                    Map.of("type", "review", "assignedTo", "alice", "priority", "7"))));
    assertThat(r.isError()).as(text(r)).isFalse();
    JsonNode items = Json.read(text(r)).get("tasks");
    assertThat(items).hasSize(5);
    assertThat(items.at("/0/status").asText()).isEqualTo("queued");
    assertThat(items.at("/0/description").asText()).isEqualTo("first");
    assertThat(items.at("/1/error").asText()).contains("no handler for task type 'review'");
    assertThat(items.at("/2/error").asText()).contains("tasks[2].wait");
    assertThat(items.at("/3/error").asText()).contains("tasks[3] must be a JSON object");
    assertThat(items.at("/4/status").asText()).isEqualTo("queued");
    assertThat(daemon.service().getTask(items.at("/4/id").asText()).priority()).isEqualTo(7);
    assertThat(daemon.service().getTask(items.at("/0/id").asText()).createdBy()).isEqualTo("mcp");
  }

  @Test
  void a_list_that_is_missing_not_a_list_or_too_long_is_refused_whole() {
    assertThat(tools.call("task_create_batch", Map.of()).isError()).isTrue();
    CallToolResult notList = tools.call("task_create_batch", Map.of("tasks", 5));
    assertThat(notList.isError()).isTrue();
    assertThat(text(notList)).contains("tasks must be a list of task objects");
    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i <= CoordinationService.MAX_BATCH; i++) {
      many.add(Map.of("type", "review", "assignedTo", "alice"));
    }
    CallToolResult tooMany = tools.call("task_create_batch", Map.of("tasks", many));
    assertThat(tooMany.isError()).isTrue();
    assertThat(text(tooMany)).contains("at most " + CoordinationService.MAX_BATCH);
    assertThat(daemon.service().stats().coordination().queuedTasks()).isZero();
  }

  @Test
  void the_list_may_come_as_json_text() {
    CallToolResult r =
        tools.call(
            "task_create_batch",
            Map.of("tasks", "[{\"type\": \"review\", \"assignedTo\": \"alice\"}]"));
    assertThat(r.isError()).as(text(r)).isFalse();
    assertThat(Json.read(text(r)).at("/tasks/0/status").asText()).isEqualTo("queued");
  }
}
