package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools of a server started with {@code --agent}, called in-process against a real daemon: the
 * session's instance stands in for a missing agent or the role name, and the tokens of its claims
 * are filled in.
 */
class McpSessionTest {
  @TempDir Path dir;
  Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  CoorddTools tools(McpSession session, List<String> heard) {
    Path home = dir.resolve("home");
    return new CoorddTools(() -> CoorddClient.connect(home), heard::add, session);
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  @Test
  void the_session_instance_is_the_default_agent_and_its_tokens_are_filled_in() {
    daemon = Daemon.start(ConfigLoader.load(dir.resolve("home"), Map.of(), Map.of()));
    Task task = daemon.service().createTask(NewTask.of("review").withAssignedTo("reviewer"));
    List<String> heard = new ArrayList<>();
    McpSession session = McpSession.of("reviewer", "claude_code", "reviewer@abc123");
    CoorddTools tools = tools(session, heard);

    CallToolResult claimed = tools.call("task_claim", Map.of());
    assertThat(claimed.isError()).as(text(claimed)).isFalse();
    JsonNode t = Json.read(text(claimed)).at("/tasks/0");
    assertThat(t.get("leaseOwner").asText()).isEqualTo("reviewer@abc123");
    assertThat(session.token(task.id())).isEqualTo(t.get("claimToken").asText());
    assertThat(heard).containsExactly("reviewer@abc123");

    CallToolResult done = tools.call("task_complete", Map.of("id", task.id(), "agent", "reviewer"));
    assertThat(done.isError()).as(text(done)).isFalse();
    assertThat(daemon.service().getTask(task.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(session.token(task.id())).as("forgotten once ended").isNull();
  }

  @Test
  void another_agent_named_explicitly_is_used_as_named() {
    daemon = Daemon.start(ConfigLoader.load(dir.resolve("home"), Map.of(), Map.of()));
    Task task = daemon.service().createTask(NewTask.of("review").withAssignedTo("alice"));
    McpSession session = McpSession.of("reviewer", null, "reviewer@abc123");
    CoorddTools tools = tools(session, new ArrayList<>());
    assertThat(
            Json.read(text(tools.call("task_claim", Map.of("agent", "alice"))))
                .at("/tasks/0/id")
                .asText())
        .isEqualTo(task.id());
    CallToolResult notMine = tools.call("task_complete", Map.of("id", task.id()));
    assertThat(notMine.isError()).isTrue();
    assertThat(text(notMine)).contains("leased to alice, not reviewer@abc123");
    assertThat(tools.call("task_complete", Map.of("id", task.id(), "agent", "alice")).isError())
        .isFalse();
  }

  @Test
  void with_a_session_agent_no_tool_requires_agent() {
    McpSession session = McpSession.of("reviewer", null, "reviewer@abc123");
    for (McpSchema.Tool tool : tools(session, new ArrayList<>()).sessionTools()) {
      Object required = tool.inputSchema().get("required");
      assertThat(String.valueOf(required)).as(tool.name()).doesNotContain("agent");
    }
    assertThat(CoorddTools.tools())
        .filteredOn(t -> t.name().equals("task_claim"))
        .singleElement()
        .satisfies(t -> assertThat(t.inputSchema().get("required")).isEqualTo(List.of("agent")));
  }

  @Test
  void a_role_is_a_plain_name_and_instances_are_random_per_server() {
    assertThat(McpSession.of("reviewer", null).instance()).matches("reviewer@[0-9a-f]{6}");
    assertThat(McpSession.of("reviewer", null).instance())
        .isNotEqualTo(McpSession.of("reviewer", null).instance());
    assertThatThrownBy(() -> McpSession.of("reviewer@x", null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("no @");
    assertThatThrownBy(() -> McpSession.of("bad name", null))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void remembered_tokens_are_bounded_oldest_first() {
    McpSession session = McpSession.anonymous();
    List<Task> many = new ArrayList<>();
    for (int i = 0; i <= McpSession.MAX_REMEMBERED; i++) {
      many.add(running("t" + i, "tok" + i));
    }
    session.claimed(many);
    assertThat(session.token("t0")).isNull();
    assertThat(session.token("t1")).isEqualTo("tok1");
    assertThat(session.token("t" + McpSession.MAX_REMEMBERED)).isNotNull();
  }

  private static Task running(String id, String token) {
    return new Task(
        id,
        "x",
        "",
        null,
        TaskStatus.RUNNING,
        0,
        null,
        null,
        0,
        1,
        3,
        null,
        null,
        null,
        null,
        "a",
        0L,
        1000L,
        token,
        0,
        0L,
        null,
        null,
        null,
        List.of());
  }
}
