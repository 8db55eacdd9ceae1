package dev.coordd.cli.mcp;

import static dev.coordd.cli.mcp.McpServerIT.call;
import static dev.coordd.cli.mcp.McpServerIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordd mcp --agent ROLE --kind KIND} as a real process over stdio: the server is a session
 * instance of the role, registered at start; the model passes neither agent nor token, and two
 * sessions of one role never end each other's attempts.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class McpSessionIT {
  @TempDir Path dir;
  Daemon daemon;
  final List<McpSyncClient> clients = new ArrayList<>();
  final List<String> serverErr = new CopyOnWriteArrayList<>();

  Path home() {
    return dir.resolve("home");
  }

  @AfterEach
  void stop() {
    clients.forEach(McpSyncClient::closeGracefully);
    if (daemon != null) {
      daemon.close();
    }
  }

  McpSyncClient session(String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("mcp", "--home", home().toString()));
    args.addAll(List.of(extraArgs));
    ServerParameters params =
        ServerParameters.builder(McpServerIT.BIN.toString()).args(args).build();
    StdioClientTransport transport =
        new StdioClientTransport(params, new JacksonMcpJsonMapper(McpCommand.mapper()));
    transport.setStdErrorHandler(serverErr::add);
    McpSyncClient client =
        McpClient.sync(transport)
            .initializationTimeout(McpServerIT.STARTUP)
            .requestTimeout(McpServerIT.STARTUP)
            .jsonSchemaValidator(new LenientSchemaValidator())
            .build();
    clients.add(client);
    client.initialize();
    return client;
  }

  JsonNode ok(McpSyncClient client, String tool, Map<String, Object> args) {
    CallToolResult r = call(client, tool, args);
    assertThat(r.isError()).as("%s: %s (server stderr: %s)", tool, text(r), serverErr).isFalse();
    return Json.read(text(r));
  }

  /** The instance of {@code role} the daemon knows, once the server registered it. */
  Agent instanceOf(String role, List<String> besides) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < until) {
      Optional<Agent> found =
          daemon.service().listAgents().stream()
              .filter(a -> role.equals(a.role()) && !besides.contains(a.name()))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no instance of " + role + " registered; stderr: " + serverErr);
  }

  @Test
  void a_session_of_a_role_claims_the_roles_work_and_completes_without_agent_or_token()
      throws Exception {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
    // assigned to the role before any session of it exists
    Task task = daemon.service().createTask(NewTask.of("review").withAssignedTo("reviewer"));
    McpSyncClient s = session("--agent", "reviewer", "--kind", "claude_code");

    Agent me = instanceOf("reviewer", List.of());
    assertThat(me.name()).matches("reviewer@[0-9a-f]{6}");
    assertThat(me.kind()).isEqualTo("claude_code");
    McpSchema.Tool claimTool =
        s.listTools().tools().stream()
            .filter(t -> t.name().equals("task_claim"))
            .findFirst()
            .orElseThrow();
    assertThat(claimTool.inputSchema().get("required")).isNull();

    JsonNode claimed = ok(s, "task_claim", Map.of("lease", "45m")).get("tasks");
    assertThat(claimed).hasSize(1);
    assertThat(claimed.get(0).get("id").asText()).isEqualTo(task.id());
    assertThat(claimed.get(0).get("leaseOwner").asText()).isEqualTo(me.name());
    assertThat(claimed.get(0).get("leaseMs").asLong()).isEqualTo(Duration.ofMinutes(45).toMillis());

    JsonNode done = ok(s, "task_complete", Map.of("id", task.id(), "result", Map.of("ok", 1)));
    assertThat(done.get("status").asText()).isEqualTo("succeeded");
    assertThat(daemon.service().getTask(task.id()).runs().getLast().worker()).isEqualTo(me.name());

    // the role name itself means this session's instance
    Task second = daemon.service().createTask(NewTask.of("review").withAssignedTo(me.name()));
    assertThat(ok(s, "task_claim", Map.of("agent", "reviewer")).at("/tasks/0/id").asText())
        .isEqualTo(second.id());
    assertThat(
            ok(s, "task_fail", Map.of("id", second.id(), "agent", "reviewer", "error", "no"))
                .get("status")
                .asText())
        .isEqualTo("queued");
  }

  @Test
  void two_sessions_of_one_role_share_its_work_and_cannot_end_each_others_attempt()
      throws Exception {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
    Task one = daemon.service().createTask(NewTask.of("review").withAssignedTo("reviewer"));
    Task two = daemon.service().createTask(NewTask.of("review").withAssignedTo("reviewer"));
    McpSyncClient a = session("--agent", "reviewer");
    McpSyncClient b = session("--agent", "reviewer");
    Agent first = instanceOf("reviewer", List.of());
    Agent second = instanceOf("reviewer", List.of(first.name()));
    assertThat(first.name()).isNotEqualTo(second.name());

    String aTask = ok(a, "task_claim", Map.of()).at("/tasks/0/id").asText();
    String bTask = ok(b, "task_claim", Map.of()).at("/tasks/0/id").asText();
    assertThat(List.of(aTask, bTask)).containsExactlyInAnyOrder(one.id(), two.id());

    CallToolResult crossed = call(b, "task_complete", Map.of("id", aTask));
    assertThat(crossed.isError()).isTrue();
    assertThat(text(crossed)).contains("leased to");
    // even with the other session's token, under its own instance name, it is refused
    String aToken = daemon.service().getTask(aTask).claimToken();
    assertThat(call(b, "task_complete", Map.of("id", aTask, "token", aToken)).isError()).isTrue();
    assertThat(daemon.service().getTask(aTask).status()).isEqualTo(TaskStatus.RUNNING);

    assertThat(ok(a, "task_complete", Map.of("id", aTask)).get("status").asText())
        .isEqualTo("succeeded");
    assertThat(ok(b, "task_complete", Map.of("id", bTask)).get("status").asText())
        .isEqualTo("succeeded");
  }

  @Test
  void without_agent_a_tool_says_how_to_name_one() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
    McpSyncClient s = session();
    CallToolResult r = call(s, "task_claim", Map.of());
    assertThat(r.isError()).isTrue();
    assertThat(text(r)).contains("agent is required for task_claim", "--agent ROLE");
  }
}
