package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/coordd mcp} as a real process, driven by the MCP Java SDK's own client over stdio,
 * against a daemon running in this JVM.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class McpServerIT {
  static final Path BIN = Path.of("..", "bin", "coordd").toAbsolutePath().normalize();

  /** bin/coordd may rebuild the project first when sources changed since the jar was made. */
  static final Duration STARTUP = Duration.ofMinutes(5);

  @TempDir Path dir;
  Daemon daemon;
  final List<McpSyncClient> clients = new ArrayList<>();
  final List<Process> processes = new ArrayList<>();
  final List<String> serverErr = new CopyOnWriteArrayList<>();

  Path home() {
    return dir.resolve("home");
  }

  /**
   * Runs after {@code package} only (failsafe). Picked by surefire too (say, with -Dtest=Mcp*), it
   * would start bin/coordd on a stale jar, which rebuilds the whole project under the running
   * build; so it fails at once with the reason instead of being silently skipped.
   */
  @BeforeEach
  void packagedJarIsFresh() throws IOException {
    Path jar = Path.of("target", "coordd-cli.jar");
    Path classes = Path.of("target", "classes");
    assertTrue(Files.exists(jar), "no target/coordd-cli.jar: run after package (mvn verify)");
    FileTime packaged = Files.getLastModifiedTime(jar);
    try (Stream<Path> files = Files.walk(classes)) {
      assertTrue(
          files
              .filter(Files::isRegularFile)
              .allMatch(
                  f -> {
                    try {
                      return Files.getLastModifiedTime(f).compareTo(packaged) <= 0;
                    } catch (IOException e) {
                      return false;
                    }
                  }),
          "target/coordd-cli.jar is older than target/classes: run after package (mvn verify)");
    }
  }

  void startDaemon() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    clients.forEach(McpSyncClient::closeGracefully);
    processes.forEach(Process::destroyForcibly);
    if (daemon != null) {
      daemon.close();
    }
  }

  McpSyncClient client(Path home, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("mcp", "--home", home.toString()));
    args.addAll(List.of(extraArgs));
    ServerParameters params = ServerParameters.builder(BIN.toString()).args(args).build();
    StdioClientTransport transport =
        new StdioClientTransport(params, new JacksonMcpJsonMapper(McpCommand.mapper()));
    transport.setStdErrorHandler(serverErr::add);
    McpSyncClient client =
        McpClient.sync(transport)
            .initializationTimeout(STARTUP)
            .requestTimeout(STARTUP) // initialize waits under this one too
            .jsonSchemaValidator(new LenientSchemaValidator())
            .build();
    clients.add(client);
    McpSchema.InitializeResult init = client.initialize();
    assertThat(init.serverInfo().name()).isEqualTo("coordd");
    assertThat(init.capabilities().tools()).isNotNull();
    assertThat(init.instructions()).contains("task_claim → ", "claims go back to the queue");
    return client;
  }

  @Test
  void a_claim_stays_the_sessions_while_its_mcp_server_lives_and_goes_back_when_it_ends()
      throws Exception {
    // Short durations, real time: the MCP process beats on its own clock, as it does for real.
    daemon =
        Daemon.start(
            ConfigLoader.load(
                home(), Map.of(), Map.of("leaseDuration", "2s", "heartbeatInterval", "1s")));
    McpSyncClient session = client(home(), "--heartbeat", "200ms");
    Task task = daemon.service().createTask(NewTask.of("review").withAssignedTo("sess-1"));
    assertThat(call(session, "task_claim", Map.of("agent", "sess-1")).isError()).isFalse();

    Thread.sleep(6_000); // the model thinks for three lease durations and sends nothing
    Task held = daemon.service().getTask(task.id());
    assertThat(held.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(held.leaseOwner()).isEqualTo("sess-1");
    assertThat(call(session, "task_complete", Map.of("id", task.id(), "agent", "sess-1")).isError())
        .as("complete still succeeds")
        .isFalse();

    Task second = daemon.service().createTask(NewTask.of("review").withAssignedTo("sess-1"));
    // A long lease: neither expiry nor a stale owner can return it, only the session's end.
    assertThat(call(session, "task_claim", Map.of("agent", "sess-1", "lease", "45m")).isError())
        .isFalse();
    session.closeGracefully(); // the session ends: the server's input closes
    clients.remove(session);

    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Task back = daemon.service().getTask(second.id());
    while (back.status() != TaskStatus.QUEUED && System.nanoTime() < until) {
      Thread.sleep(50);
      back = daemon.service().getTask(second.id());
    }
    assertThat(back.status()).as("handed back when the session ended").isEqualTo(TaskStatus.QUEUED);
    assertThat(back.runs().getLast().error().kind()).isEqualTo("signed_off");
  }

  @Test
  void a_killed_mcp_server_stops_beating_and_its_claim_returns_once_the_agent_goes_stale()
      throws Exception {
    daemon =
        Daemon.start(
            ConfigLoader.load(
                home(), Map.of(), Map.of("leaseDuration", "2s", "heartbeatInterval", "1s")));
    McpSyncClient session = client(home(), "--heartbeat", "200ms");
    Task task = daemon.service().createTask(NewTask.of("review").withAssignedTo("sess-2"));
    assertThat(call(session, "task_claim", Map.of("agent", "sess-2")).isError()).isFalse();

    // kill -9 the server (bin/coordd execs the JVM, so it is a java process of ours): no sign-off
    List<ProcessHandle> servers =
        ProcessHandle.current()
            .descendants()
            .filter(
                h ->
                    h.info()
                        .arguments()
                        .map(List::of)
                        .map(a -> a.contains("mcp") && a.contains(home().toString()))
                        .orElse(false))
            .toList();
    assertThat(servers).as("the coordd mcp process").isNotEmpty();
    servers.forEach(ProcessHandle::destroyForcibly);

    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Task back = daemon.service().getTask(task.id());
    while (back.status() != TaskStatus.QUEUED && System.nanoTime() < until) {
      Thread.sleep(50);
      back = daemon.service().getTask(task.id());
    }
    assertThat(back.status()).as("back once sess-2 stopped beating").isEqualTo(TaskStatus.QUEUED);
    // whichever the reaper sees first: the lease ran out, or its owner went stale; both name it
    assertThat(back.runs().getLast().error().message()).contains("lease expired", "sess-2");
  }

  static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  JsonNode ok(McpSyncClient client, String tool, Map<String, Object> args) {
    CallToolResult r = call(client, tool, args);
    assertThat(r.isError()).as("%s: %s (server stderr: %s)", tool, text(r), serverErr).isFalse();
    JsonNode result = Json.read(text(r));
    assertThat(result.isObject()).as("%s answers an object: %s", tool, result).isTrue();
    return result;
  }

  String error(McpSyncClient client, String tool, Map<String, Object> args) {
    CallToolResult r = call(client, tool, args);
    assertThat(r.isError()).as("%s: %s", tool, text(r)).isTrue();
    return text(r);
  }

  @Test
  void tools_list_is_complete_and_small() throws Exception {
    startDaemon();
    McpSyncClient client = client(home());
    McpSchema.ListToolsResult listed = client.listTools();
    assertThat(listed.tools())
        .extracting(McpSchema.Tool::name)
        .containsExactlyElementsOf(CoorddToolsTest.NAMES);
    String json = new JacksonMcpJsonMapper(McpCommand.mapper()).writeValueAsString(listed);
    assertThat(json.length()).as("under 2,000 tokens: %s", json).isLessThan(8_000);
  }

  @Test
  void an_agent_registers_claims_completes_and_fails_tasks() {
    startDaemon();
    McpSyncClient c = client(home());

    JsonNode alice =
        ok(
            c,
            "agent_register",
            Map.of("name", "alice", "kind", "claude_code", "capabilities", List.of("review")));
    assertThat(alice.get("status").asText()).isEqualTo("active");
    assertThat(ok(c, "agent_heartbeat", Map.of("name", "alice")).get("name").asText())
        .isEqualTo("alice");

    JsonNode created =
        ok(
            c,
            "task_create",
            Map.of(
                "type",
                "review",
                "assignedTo",
                "alice",
                "description",
                "look at PR 17",
                "data",
                Map.of("pr", 17),
                "priority",
                5));
    assertThat(created.get("status").asText()).isEqualTo("queued");
    String id = created.get("id").asText();

    JsonNode claimed = ok(c, "task_claim", Map.of("agent", "alice", "max", 5)).get("tasks");
    assertThat(claimed).hasSize(1);
    assertThat(claimed.get(0).get("id").asText()).isEqualTo(id);
    assertThat(claimed.get(0).get("status").asText()).isEqualTo("running");

    JsonNode done =
        ok(
            c,
            "task_complete",
            Map.of("id", id, "agent", "alice", "result", Map.of("approved", true)));
    assertThat(done.get("status").asText()).isEqualTo("succeeded");
    JsonNode shown = ok(c, "task_show", Map.of("id", id));
    assertThat(shown.at("/result/approved").asBoolean()).isTrue();
    assertThat(shown.get("runs")).hasSize(1);

    String second =
        ok(c, "task_create", Map.of("type", "review", "assignedTo", "alice")).get("id").asText();
    assertThat(
            ok(c, "task_claim", Map.of("agent", "alice", "wait", 5))
                .at("/tasks/0")
                .get("id")
                .asText())
        .isEqualTo(second);
    JsonNode failed =
        ok(
            c,
            "task_fail",
            Map.of("id", second, "agent", "alice", "error", "cannot reach the repository"));
    assertThat(failed.at("/error/message").asText()).isEqualTo("cannot reach the repository");

    JsonNode succeeded = ok(c, "task_list", Map.of("status", "succeeded")).get("tasks");
    assertThat(succeeded).extracting(t -> t.get("id").asText()).containsExactly(id);
    assertThat(ok(c, "task_list", Map.of("assignedTo", "alice", "limit", 10)).get("tasks"))
        .hasSize(2);

    assertThat(text(call(c, "task_claim", Map.of("agent", "bob"))))
        .isEqualTo(
            "no tasks for agent 'bob' — note: no agent named 'bob' is registered (register with"
                + " agent_register)");

    JsonNode stats = ok(c, "stats", Map.of());
    assertThat(stats.at("/coordination/completedTasks").asLong()).isEqualTo(1);
    assertThat(stats.at("/daemon/name").asText()).isEqualTo("daemon");
  }

  @Test
  void a_file_operation_for_the_daemon_returns_finished_with_wait() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "hello");
    startDaemon();
    McpSyncClient c = client(home());
    JsonNode t =
        ok(
            c,
            "task_create",
            Map.of(
                "type",
                "file_operation",
                "assignedTo",
                "daemon",
                "data",
                Map.of("operation", "stat", "path", "."),
                "wait",
                30));
    assertThat(t.get("status").asText()).as(t.toString()).isEqualTo("succeeded");
    assertThat(t.get("result")).isNotNull();
  }

  @Test
  void bad_arguments_are_tool_errors_and_the_server_goes_on() {
    startDaemon();
    McpSyncClient c = client(home());
    assertThat(error(c, "task_create", Map.of())).contains("type is required");
    assertThat(error(c, "task_create", Map.of("type", "review", "priority", "urgent")))
        .contains("priority must be a whole number");
    assertThat(error(c, "task_list", Map.of("status", "finished")))
        .contains("unknown status 'finished'", "allowed:");
    assertThat(error(c, "task_claim", Map.of("agent", "alice", "wait", "soon")))
        .contains("wait must be a duration like 30s or 10m");
    assertThat(error(c, "task_show", Map.of("id", "missing"))).contains("no task with id");
    assertThat(error(c, "lock_acquire", Map.of("resource", "x", "agent", "a", "ttl", "0s")))
        .contains("ttl must be positive")
        .doesNotContain("ttlMs");
    assertThat(error(c, "task_create", Map.of("type", "review")))
        .contains("no handler for task type 'review'");
    // An unknown tool is a protocol error (-32602), as the MCP spec has it, not a tool result.
    assertThatThrownBy(() -> call(c, "no_such_tool", Map.of()))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("Unknown tool");
    ok(c, "stats", Map.of());
  }

  @Test
  void invocations_are_listed_taken_and_completed() throws Exception {
    startDaemon();
    McpSyncClient c = client(home());
    String taskId =
        ok(
                c,
                "task_create",
                Map.of(
                    "type",
                    "invoke_agent",
                    "data",
                    Map.of("agentType", "claude_code", "command", "summarise the README")))
            .get("id")
            .asText();

    JsonNode invocation = null;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (invocation == null && System.nanoTime() < until) {
      CallToolResult r = call(c, "invocation_list", Map.of());
      assertThat(r.isError()).as(text(r)).isFalse();
      if (!text(r).equals("no pending invocations")) {
        for (JsonNode i : Json.read(text(r)).get("invocations")) {
          if (i.path("taskId").asText().equals(taskId)) {
            invocation = i;
          }
        }
      }
      if (invocation == null) {
        Thread.sleep(100);
      }
    }
    assertThat(invocation).as("an invocation for task %s", taskId).isNotNull();
    assertThat(ok(c, "task_show", Map.of("id", taskId)).get("status").asText())
        .isEqualTo("waiting");

    String id = invocation.get("id").asText();
    JsonNode taken = ok(c, "invocation_process", Map.of("id", id, "agent", "alice"));
    assertThat(taken.get("status").asText()).isEqualTo("processing");
    assertThat(taken.get("command").asText()).isEqualTo("summarise the README");
    JsonNode finished =
        ok(
            c,
            "invocation_complete",
            Map.of("id", id, "result", Map.of("summary", "a coordination daemon")));
    assertThat(finished.get("status").asText()).isEqualTo("completed");

    JsonNode task = ok(c, "task_show", Map.of("id", taskId));
    assertThat(task.get("status").asText()).isEqualTo("succeeded");
    assertThat(task.toString()).contains("a coordination daemon");
    assertThat(text(call(c, "invocation_list", Map.of()))).isEqualTo("no pending invocations");
  }

  /** Polls task_show until the task has that status (or the time is up, then fails). */
  JsonNode awaitStatus(McpSyncClient c, String id, String status) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonNode task = ok(c, "task_show", Map.of("id", id));
    while (!task.get("status").asText().equals(status) && System.nanoTime() < until) {
      Thread.sleep(50);
      task = ok(c, "task_show", Map.of("id", id));
    }
    assertThat(task.get("status").asText()).as(task.toString()).isEqualTo(status);
    return task;
  }

  @Test
  void arriving_at_a_barrier_releases_it_and_a_cancelled_task_is_cancelled() throws Exception {
    startDaemon();
    McpSyncClient c = client(home());
    String barrierTask =
        ok(
                c,
                "task_create",
                Map.of(
                    "type",
                    "coordination",
                    "data",
                    Map.of(
                        "action",
                        "synchronize_agents",
                        "agents",
                        List.of("alice", "bob"),
                        "barrier",
                        "release",
                        "timeout",
                        "1m")))
            .get("id")
            .asText();
    awaitStatus(c, barrierTask, "waiting");
    assertThat(ok(c, "barrier_arrive", Map.of("barrier", "release", "agent", "alice")))
        .hasToString("{\"barrier\":\"release\",\"arrived\":\"alice\"}");
    ok(c, "barrier_arrive", Map.of("barrier", "release", "agent", "bob"));
    awaitStatus(c, barrierTask, "succeeded");

    String review =
        ok(c, "task_create", Map.of("type", "review", "assignedTo", "alice")).get("id").asText();
    assertThat(ok(c, "task_cancel", Map.of("id", review)).get("status").asText())
        .isEqualTo("cancelled");
  }

  @Test
  void messages_are_published_read_and_acknowledged_and_a_lock_takes_a_cli_duration() {
    startDaemon();
    McpSyncClient c = client(home());
    ok(c, "agent_register", Map.of("name", "bob"));
    ok(c, "event_publish", Map.of("topic", "agent.bob", "data", Map.of("review", "PR 17")));
    JsonNode inbox = ok(c, "event_inbox", Map.of("agent", "bob", "wait", "1s", "ack", true));
    assertThat(inbox.at("/events/0/data/review").asText()).isEqualTo("PR 17");
    assertThat(text(call(c, "event_inbox", Map.of("agent", "bob"))))
        .startsWith("no unacknowledged events for agent 'bob'");

    JsonNode lock =
        ok(c, "lock_acquire", Map.of("resource", "src/**", "agent", "bob", "ttl", "10m"));
    assertThat(lock.get("expiresAt").asLong() - lock.get("acquiredAt").asLong()).isEqualTo(600_000);
    assertThat(text(call(c, "lock_release", Map.of("resource", "src/**", "agent", "bob"))))
        .isEqualTo("released src/**");
  }

  @Test
  void a_failed_invocation_fails_its_task_with_the_error() throws Exception {
    startDaemon();
    McpSyncClient c = client(home());
    String taskId =
        ok(
                c,
                "task_create",
                Map.of(
                    "type",
                    "invoke_agent",
                    "data",
                    Map.of("agentType", "claude_code", "command", "summarise")))
            .get("id")
            .asText();
    awaitStatus(c, taskId, "waiting");
    JsonNode invocation = ok(c, "invocation_list", Map.of()).at("/invocations/0");
    assertThat(invocation.get("taskId").asText()).isEqualTo(taskId);
    String id = invocation.get("id").asText();
    ok(c, "invocation_process", Map.of("id", id, "agent", "alice"));
    ok(c, "invocation_fail", Map.of("id", id, "error", "the repository is gone"));
    // The task may be retried; its run history keeps the error either way.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String task = ok(c, "task_show", Map.of("id", taskId)).toString();
    while (!task.contains("the repository is gone") && System.nanoTime() < until) {
      Thread.sleep(50);
      task = ok(c, "task_show", Map.of("id", taskId)).toString();
    }
    assertThat(task).contains("the repository is gone");
  }

  @Test
  void without_a_daemon_tools_say_how_to_start_one_and_find_it_once_started() {
    McpSyncClient c = client(home());
    String hint =
        "no coordd daemon is running on "
            + home()
            + "; start one with: coordd daemon --home "
            + home();
    assertThat(error(c, "stats", Map.of())).contains(hint);
    assertThat(error(c, "task_create", Map.of("type", "review", "assignedTo", "alice")))
        .contains(hint);
    assertThat(error(c, "task_claim", Map.of("agent", "alice"))).contains(hint);

    startDaemon(); // the same server connects on the next call
    assertThat(ok(c, "stats", Map.of()).at("/daemon/running").asBoolean()).isTrue();

    daemon.close();
    daemon = null;
    assertThat(error(c, "stats", Map.of())).contains("no coordd daemon is running");
  }

  @Test
  void stdout_carries_only_protocol_lines_bad_lines_are_answered_and_eof_ends_it()
      throws Exception {
    Process p =
        new ProcessBuilder(BIN.toString(), "mcp", "--home", home().toString())
            .redirectError(dir.resolve("mcp.err").toFile())
            .start();
    processes.add(p);
    String init =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n";
    try (OutputStream in = p.getOutputStream()) {
      in.write(
          ("this is not json\n"
                  + init
                  + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                  + "{\"no\":\"method\",\"id\":7}\n"
                  + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
                  + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{"
                  + "\"name\":\"stats\",\"arguments\":{}}}\n")
              .getBytes(StandardCharsets.UTF_8));
      in.flush();
      // Close stdin only once every answer is in: the server may end as soon as it sees EOF.
      List<JsonNode> lines = new ArrayList<>();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      while (lines.size() < 5) {
        String line = out.readLine();
        assertThat(line)
            .as("stdout ended early; stderr: %s", Files.readString(dir.resolve("mcp.err")))
            .isNotNull();
        lines.add(Json.read(line)); // every stdout line is JSON, or this throws
      }
      assertThat(lines).allSatisfy(l -> assertThat(l.get("jsonrpc").asText()).isEqualTo("2.0"));
      assertThat(lines.get(0).at("/error/code").asInt()).isEqualTo(-32700);
      JsonNode byId7 =
          lines.stream().filter(l -> l.path("id").asInt() == 7).findFirst().orElseThrow();
      assertThat(byId7.at("/error/code").asInt()).isEqualTo(-32600);
      JsonNode tools =
          lines.stream().filter(l -> l.path("id").asInt() == 2).findFirst().orElseThrow();
      assertThat(tools.at("/result/tools")).hasSize(CoorddToolsTest.NAMES.size());
      JsonNode stats =
          lines.stream().filter(l -> l.path("id").asInt() == 3).findFirst().orElseThrow();
      assertThat(stats.at("/result/isError").asBoolean()).isTrue();
      assertThat(stats.at("/result/content/0/text").asText())
          .contains("no coordd daemon is running");
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the server ends when stdin ends").isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
