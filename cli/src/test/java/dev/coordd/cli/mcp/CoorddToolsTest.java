package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools in-process: argument checking, messages, and calls to a daemon over its socket. */
class CoorddToolsTest {
  static final List<String> NAMES =
      List.of(
          "task_create",
          "task_create_batch",
          "task_claim",
          "task_complete",
          "task_fail",
          "task_cancel",
          "task_list",
          "task_show",
          "invocation_list",
          "invocation_process",
          "invocation_complete",
          "invocation_fail",
          "agent_register",
          "agent_heartbeat",
          "barrier_arrive",
          "event_publish",
          "event_inbox",
          "lock_acquire",
          "lock_release",
          "stats");

  @TempDir Path dir;
  Daemon daemon;
  final AtomicInteger connects = new AtomicInteger();

  Path home() {
    return dir.resolve("home");
  }

  CoorddTools tools() {
    return new CoorddTools(
        () -> {
          connects.incrementAndGet();
          return CoorddClient.connect(home());
        });
  }

  void startDaemon() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  static CallToolResult assertError(CallToolResult r, String... fragments) {
    assertThat(r.isError()).as(text(r)).isTrue();
    assertThat(text(r)).contains(fragments);
    return r;
  }

  static JsonNode assertOk(CallToolResult r) {
    assertThat(r.isError()).as(text(r)).isFalse();
    JsonNode result = Json.read(text(r));
    assertThat(result.isObject()).as("a tool's JSON result is an object: %s", result).isTrue();
    return result;
  }

  @Test
  void the_tools_list_is_small_and_names_every_tool() throws Exception {
    List<McpSchema.Tool> tools = CoorddTools.tools();
    assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(NAMES);
    String listed =
        new JacksonMcpJsonMapper(McpCommand.mapper())
            .writeValueAsString(new McpSchema.ListToolsResult(tools, null, null));
    // Under 2,000 tokens at about 4 characters a token, instructions included: paid every session.
    assertThat(listed.length() + McpCommand.INSTRUCTIONS.length()).as(listed).isLessThan(8_000);
    tools.forEach(t -> assertThat(t.description()).doesNotContain("\n").hasSizeLessThan(100));
  }

  @Test
  void bad_arguments_are_tool_errors_naming_the_argument_before_any_connection() {
    CoorddTools tools = tools();
    assertError(tools.call("task_create", Map.of()), "type is required");
    assertError(
        tools.call("task_create", Map.of("type", "review", "priority", "high")),
        "priority must be a whole number",
        "\"high\"");
    assertError(
        tools.call("task_create", Map.of("type", "review", "priority", 1.5)),
        "priority must be a whole number");
    assertError(
        tools.call("task_create", Map.of("type", "review", "assigned_to", "alice")),
        "unknown argument assigned_to",
        "allowed:",
        "assignedTo");
    assertError(
        tools.call("task_create", Map.of("type", "review", "data", List.of(1))),
        "data must be a JSON object");
    assertError(
        tools.call("task_create", Map.of("type", "review", "wait", 10_000)),
        "wait must be between 0 and 5m, got number 10000");
    assertError(
        tools.call("task_claim", Map.of("agent", "a", "types", List.of(1))),
        "types[0] must be a non-empty string");
    assertError(
        tools.call("task_claim", Map.of("agent", "a", "max", 0)), "max must be between 1 and");
    assertError(
        tools.call("task_list", Map.of("status", "done")),
        "unknown status 'done'",
        "queued, running");
    assertError(tools.call("task_fail", Map.of("id", "x", "agent", "a")), "error is required");
    assertError(
        tools.call("agent_register", Map.of("name", 7)), "name must be a string, got number 7");
    assertError(
        tools.call("stats", Map.of("verbose", true)), "unknown argument verbose", "allowed: none");
    assertError(tools.call("no_such_tool", Map.of()), "unknown tool 'no_such_tool'");
    assertThat(connects).hasValue(0);
  }

  @Test
  void without_a_daemon_every_tool_says_how_to_start_one() {
    CoorddTools tools = tools();
    for (String name : List.of("stats", "task_list", "invocation_list")) {
      assertError(
          tools.call(name, Map.of()),
          "no coordd daemon is running on " + home(),
          "start one with: coordd daemon --home " + home());
    }
    assertError(
        tools.call("task_create", Map.of("type", "review", "assignedTo", "alice")),
        "no coordd daemon is running");
  }

  @Test
  void lenient_where_harmless_numbers_as_text_data_as_json_text_one_type_as_a_list() {
    startDaemon();
    CoorddTools tools = tools();
    JsonNode t =
        assertOk(
            tools.call(
                "task_create",
                Map.of(
                    "type",
                    "review",
                    "assignedTo",
                    "alice",
                    "priority",
                    "5",
                    "data",
                    "{\"pr\":17}")));
    assertThat(t.get("priority").asInt()).isEqualTo(5);
    assertThat(t.at("/data/pr").asInt()).isEqualTo(17);
    assertThat(t.has("result")).as("nulls are left out").isFalse();
    JsonNode claimed =
        assertOk(tools.call("task_claim", Map.of("agent", "alice", "types", "review", "max", 2.0)));
    assertThat(claimed.get("tasks")).hasSize(1);
  }

  @Test
  void claiming_nothing_says_whether_the_agent_is_known() {
    startDaemon();
    CoorddTools tools = tools();
    assertThat(text(tools.call("task_claim", Map.of("agent", "ghost"))))
        .isEqualTo(
            "no tasks for agent 'ghost' — note: no agent named 'ghost' is registered (register with"
                + " agent_register)");
    assertOk(
        tools.call(
            "agent_register",
            Map.of("name", "alice", "kind", "claude_code", "capabilities", List.of("review"))));
    CallToolResult r = tools.call("task_claim", Map.of("agent", "alice"));
    assertThat(r.isError()).isFalse();
    assertThat(text(r)).isEqualTo("no tasks queued for agent 'alice' (active)");
    assertThat(text(tools.call("task_list", Map.of("assignedTo", "nobody"))))
        .contains("no tasks with assignedTo nobody", "no agent named 'nobody' is registered");
    assertThat(text(tools.call("task_list", Map.of("assignedTo", "alice", "status", "queued"))))
        .isEqualTo("no tasks with status queued, assignedTo alice (agent 'alice' is active)");
  }

  @Test
  void events_and_locks_work_through_the_tools() {
    startDaemon();
    CoorddTools tools = tools();
    assertThat(text(tools.call("event_inbox", Map.of("agent", "ghost"))))
        .contains("no agent named 'ghost' is registered");
    assertOk(tools.call("agent_register", Map.of("name", "bob")));
    assertThat(
            assertOk(
                    tools.call(
                        "event_publish",
                        Map.of("topic", "agent.bob", "data", Map.of("hi", 1), "source", "alice")))
                .get("seq")
                .asLong())
        .isPositive();
    JsonNode inbox = assertOk(tools.call("event_inbox", Map.of("agent", "bob", "ack", true)));
    assertThat(inbox.get("events")).hasSize(1);
    assertThat(text(tools.call("event_inbox", Map.of("agent", "bob"))))
        .startsWith("no unacknowledged events for agent 'bob'");

    assertThat(
            assertOk(
                    tools.call(
                        "lock_acquire", Map.of("resource", "src/**", "agent", "bob", "ttl", 60)))
                .get("holder")
                .asText())
        .isEqualTo("bob");
    assertError(
        tools.call("lock_acquire", Map.of("resource", "src/Main.java", "agent", "eve")),
        "held exclusively by bob");
    String zeroTtl =
        text(
            assertError(
                tools.call("lock_acquire", Map.of("resource", "x", "agent", "eve", "ttl", "0s")),
                "ttl must be positive",
                "give ttl as a duration such as 10m"));
    assertThat(zeroTtl).as("the agent never saw the service's field name").doesNotContain("ttlMs");
    assertThat(text(tools.call("lock_release", Map.of("resource", "src/**", "agent", "bob"))))
        .isEqualTo("released src/**");
  }

  @Test
  void durations_are_written_as_in_the_cli_and_plain_seconds_still_work() {
    startDaemon();
    CoorddTools tools = tools();
    JsonNode lock =
        assertOk(
            tools.call(
                "lock_acquire",
                Map.of("resource", "docs/**", "agent", "bob", "ttl", "10m", "wait", "1s")));
    assertThat(lock.get("holder").asText()).isEqualTo("bob");
    assertThat(lock.get("expiresAt").asLong() - lock.get("acquiredAt").asLong())
        .as("a lock for 10m")
        .isEqualTo(600_000);
    assertThat(text(tools.call("task_claim", Map.of("agent", "bob", "wait", "0.2"))))
        .startsWith("no tasks");
    assertError(
        tools.call("task_claim", Map.of("agent", "bob", "wait", "soon")),
        "wait must be a duration like 30s or 10m (or a number of seconds), got string \"soon\"");
    assertError(
        tools.call("lock_acquire", Map.of("resource", "x", "agent", "bob", "ttl", "30d")),
        "ttl must be between 0 and 7d");
  }

  @Test
  void task_list_is_a_compact_summary_unless_detail_is_asked_for() {
    startDaemon();
    CoorddTools tools = tools();
    String description = "Review the change to the store: " + "look at every query. ".repeat(20);
    for (int i = 0; i < 20; i++) {
      assertOk(
          tools.call(
              "task_create",
              Map.of(
                  "type",
                  "review",
                  "assignedTo",
                  "alice",
                  "description",
                  description,
                  "data",
                  Map.of("pr", i, "files", List.of("a.java", "b.java", "c.java")))));
    }
    String listed = text(tools.call("task_list", Map.of()));
    // About 200 characters a task (an id is 36), against about 900 in full for these.
    assertThat(listed.length()).as(listed).isLessThan(4_200);
    assertThat(text(tools.call("task_list", Map.of("detail", true))).length())
        .isGreaterThan(3 * listed.length());
    JsonNode first = Json.read(listed).at("/tasks/0");
    assertThat(first.get("status").asText()).isEqualTo("queued");
    assertThat(first.get("assignedTo").asText()).isEqualTo("alice");
    assertThat(first.get("description").asText()).hasSize(TaskTools.SUMMARY_CHARS).endsWith("…");
    assertThat(first.has("data")).isFalse();
    JsonNode detailed = assertOk(tools.call("task_list", Map.of("detail", true, "limit", 1)));
    assertThat(detailed.at("/tasks/0/data/pr").asInt()).isEqualTo(19);
    assertThat(detailed.at("/tasks/0/description").asText()).isEqualTo(description);
  }

  @Test
  void coordd_errors_are_tool_errors_with_their_message() {
    startDaemon();
    CoorddTools tools = tools();
    assertError(tools.call("task_show", Map.of("id", "nope")), "no task with id nope");
    assertError(
        tools.call("task_create", Map.of("type", "review")), "no handler for task type 'review'");
    assertError(tools.call("agent_heartbeat", Map.of("name", "ghost")), "no agent named ghost");
    String id =
        assertOk(tools.call("task_create", Map.of("type", "review", "assignedTo", "alice")))
            .get("id")
            .asText();
    assertError(tools.call("task_complete", Map.of("id", id, "agent", "alice")), "not running");
  }

  @Test
  void the_guard_answers_lines_that_are_not_messages_and_passes_the_rest() throws Exception {
    String input =
        "not json\n\n{\"foo\":1,\"id\":4}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdinGuard guard =
        new StdinGuard(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            out,
            new JacksonMcpJsonMapper(McpCommand.mapper()));
    String passed = new String(guard.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(passed)
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    List<JsonNode> answers = out.toString(StandardCharsets.UTF_8).lines().map(Json::read).toList();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0).at("/error/code").asInt()).isEqualTo(-32700);
    assertThat(answers.get(0).get("id").isNull()).isTrue();
    assertThat(answers.get(1).at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(answers.get(1).get("id").asInt()).isEqualTo(4);
    assertThat(guard.awaitEnd(1, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_message_with_a_raw_carriage_return_reaches_the_server_as_one_line() throws Exception {
    String input = "{\"jsonrpc\":\"2.0\",\r\"id\":2,\"method\":\"tools/list\"}\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdinGuard guard =
        new StdinGuard(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            out,
            new JacksonMcpJsonMapper(McpCommand.mapper()));
    String passed = new String(guard.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(passed).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void listed_invocations_are_short_and_taking_one_shows_it_whole() {
    startDaemon();
    CoorddTools tools = tools();
    String longCommand = "review ".repeat(200);
    for (int i = 0; i < 3; i++) {
      assertOk(
          tools.call(
              "task_create",
              Map.of(
                  "type",
                  "invoke_agent",
                  "data",
                  Map.of("agentType", "claude_code", "command", longCommand))));
    }
    JsonNode listed = Json.MAPPER.createArrayNode();
    long until = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < until) {
      String text = text(tools.call("invocation_list", Map.of("max", 2)));
      if (text.startsWith("{") && Json.read(text).has("more")) {
        listed = Json.read(text);
        break;
      }
      Thread.onSpinWait();
    }
    assertThat(listed.get("more").asInt()).isEqualTo(1);
    JsonNode first = listed.get("invocations").get(0);
    assertThat(first.get("command").asText()).hasSizeLessThan(400).contains("invocation_process");
    JsonNode taken =
        assertOk(
            tools.call(
                "invocation_process", Map.of("id", first.get("id").asText(), "agent", "alice")));
    assertThat(taken.get("command").asText()).isEqualTo(longCommand);
  }
}
