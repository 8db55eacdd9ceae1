package dev.coordd.cli.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.Main;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code coordd hook session-start} run in-process, as Claude Code runs it, against a real daemon.
 */
class HookCommandTest {
  static final String SESSION = "abcdef12-3456-7890-abcd-ef1234567890";
  static final String AGENT = "claude-abcdef12";

  @TempDir Path dir;
  Daemon daemon;

  record Result(int exit, String out, String err) {
    /** The one JSON object on stdout; fails if stdout holds anything else. */
    JsonNode json() {
      JsonNode node = Json.read(out);
      assertThat(out.strip().lines()).as("stdout is exactly one JSON line").hasSize(1);
      return node;
    }

    String context() {
      JsonNode hso = json().get("hookSpecificOutput");
      assertThat(hso.get("hookEventName").asText()).isEqualTo("SessionStart");
      return hso.get("additionalContext").asText();
    }
  }

  Path home() {
    return dir.resolve("home");
  }

  void startDaemon(Path home) {
    daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  static String input(String source) {
    return "{\"session_id\":\""
        + SESSION
        + "\",\"transcript_path\":\"/tmp/t.jsonl\","
        + "\"cwd\":\"/work/project\",\"hook_event_name\":\"SessionStart\",\"source\":\""
        + source
        + "\"}";
  }

  Result hook(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("hook", "session-start"));
    all.addAll(List.of(args));
    if (!all.contains("--home")) {
      all.add("--home");
      all.add(home().toString());
    }
    return run(stdin, all);
  }

  static Result run(String stdin, List<String> args) {
    InputStream original = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      CommandLine cl = Main.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      int exit = cl.execute(args.toArray(String[]::new));
      return new Result(exit, out.toString(), err.toString());
    } finally {
      System.setIn(original);
    }
  }

  /** The context's nothing-waiting answer for {@code name}, registered and told how work comes. */
  static void assertNothingWaiting(String context, String name) {
    assertThat(context)
        .startsWith("coordd: you are agent " + name + " (")
        .contains("coordd registered this session under that name")
        .contains("Nothing is waiting for you now")
        .contains("coordd task claim --agent " + name)
        .contains("coordd inbox --agent " + name)
        .doesNotContain("Waiting for you:");
  }

  CoorddClient client() {
    return CoorddClient.connect(home());
  }

  Agent agent(CoorddClient client, String name) {
    List<Agent> named = client.listAgents().stream().filter(a -> a.name().equals(name)).toList();
    assertThat(named).as("agents named " + name).hasSize(1);
    return named.getFirst();
  }

  void writeInvocation(Path home, String id, String command, long createdAt) throws Exception {
    Invocation inv =
        new Invocation(
            id,
            "task-" + id,
            "claude",
            command,
            Json.MAPPER.createObjectNode(),
            Invocation.PENDING,
            createdAt,
            null,
            null,
            null,
            null,
            null,
            null);
    Path pending = home.resolve("invocations").resolve("pending");
    Files.createDirectories(pending);
    Files.writeString(pending.resolve(id + ".json"), Json.write(inv));
  }

  @Test
  void startup_registers_the_session_as_an_agent_and_lists_its_assigned_task() {
    startDaemon(home());
    String taskId;
    try (CoorddClient c = client()) {
      taskId =
          c.createTask(
                  NewTask.of("review")
                      .withAssignedTo(AGENT)
                      .withDescription("look at PR 17\nand the follow-up"))
              .id();
    }

    Result r = hook(input("startup"));

    assertThat(r.exit()).as(r.err()).isZero();
    String context = r.context();
    assertThat(context)
        .contains(taskId)
        .contains("[review] look at PR 17 and the follow-up")
        .contains("coordd task claim --agent " + AGENT);
    try (CoorddClient c = client()) {
      Agent a = agent(c, AGENT);
      assertThat(a.kind()).isEqualTo("claude_code");
      assertThat(a.metadata().get("sessionId").asText()).isEqualTo(SESSION);
      assertThat(a.metadata().get("cwd").asText()).isEqualTo("/work/project");
      assertThat(a.metadata().get("source").asText()).isEqualTo("startup");
    }
  }

  @Test
  void session_end_signs_the_agent_off_and_its_task_goes_back_to_the_queue_at_once() {
    startDaemon(home());
    hook(input("startup"));
    Task claimed;
    try (CoorddClient c = client()) {
      c.createTask(NewTask.of("review").withAssignedTo(AGENT));
      claimed = c.claimTasks(AGENT, List.of(), 1, 0, null).getFirst();
    }

    Result r = run(input("other"), List.of("hook", "session-end", "--home", home().toString()));

    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("signed off " + AGENT);
    try (CoorddClient c = client()) {
      Task back = c.getTask(claimed.id());
      assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(back.runs().getLast().error().kind()).isEqualTo("signed_off");
      assertThat(back.runs().getLast().error().message())
          .isEqualTo(AGENT + " signed off while holding it (its session ended)");
      assertThat(agent(c, AGENT).status()).isNotEqualTo(AgentStatus.ACTIVE);
    }
  }

  @Test
  void session_end_without_a_daemon_or_an_agent_still_exits_0() {
    assertThat(run(input("other"), List.of("hook", "session-end", "--home", home().toString())))
        .extracting(Result::exit)
        .isEqualTo(0);
    startDaemon(home());
    assertThat(run(input("other"), List.of("hook", "session-end", "--home", home().toString())))
        .extracting(Result::exit)
        .isEqualTo(0);
  }

  @Test
  void a_running_task_of_the_agent_is_listed_with_how_to_finish_it() {
    startDaemon(home());
    hook(input("startup"), "--agent", "worker");
    Task running;
    try (CoorddClient c = client()) {
      c.createTask(
          NewTask.of("build").withAssignedTo("worker@abcdef12").withDescription("compile"));
      running = c.claimTasks("worker@abcdef12", List.of(), 1, 0, null).getFirst();
    }

    String context = hook(input("compact"), "--agent", "worker").context();

    assertThat(context)
        .contains("Tasks you are running (1)")
        .contains("- " + running.id() + " [build] compile")
        .contains("coordd task complete ID --agent worker@abcdef12")
        .contains("--token TOKEN")
        .contains("coordd task show ID");
  }

  @Test
  void pending_invocations_are_listed_with_the_command_to_take_one() throws Exception {
    startDaemon(home());
    writeInvocation(home(), "inv-older", "Summarise the failing tests", 1_000);
    writeInvocation(home(), "inv-newer", "Review the migration", 2_000);

    String context = hook(input("startup")).context();

    assertThat(context)
        .contains("coordd check process ID")
        .contains("- inv-older [claude] Summarise the failing tests")
        .contains("- inv-newer [claude] Review the migration");
    assertThat(context.indexOf("inv-older")).isLessThan(context.indexOf("inv-newer"));
  }

  @Test
  void with_nothing_pending_it_says_so_plainly() {
    startDaemon(home());

    Result r = hook(input("startup"));

    assertThat(r.exit()).isZero();
    assertNothingWaiting(r.context(), AGENT);
    assertThat(r.context()).contains("(kind claude_code)");
  }

  @Test
  void resume_refreshes_the_same_agent_without_duplicates_and_keeps_its_capabilities() {
    startDaemon(home());
    try (CoorddClient c = client()) {
      c.registerAgent(
          new AgentRegistration(
              AGENT, "claude_code", List.of("review"), Json.read("{\"team\":\"infra\"}")));
      c.createTask(NewTask.of("review").withAssignedTo(AGENT).withDescription("one"));
    }

    Result first = hook(input("startup"));
    Result resumed = hook(input("resume"));
    Result compacted = hook(input("compact"));

    assertThat(resumed.context()).isEqualTo(first.context());
    assertThat(compacted.context()).isEqualTo(first.context());
    try (CoorddClient c = client()) {
      Agent a = agent(c, AGENT);
      assertThat(a.capabilities()).containsExactly("review");
      assertThat(a.metadata().get("source").asText()).isEqualTo("compact");
      assertThat(a.metadata().get("team").asText()).isEqualTo("infra");
      assertThat(c.listTasks(TaskQuery.all()).stream().filter(t -> AGENT.equals(t.assignedTo())))
          .hasSize(1);
    }
  }

  @Test
  void the_agent_name_comes_from_the_option_before_the_session_id() {
    startDaemon(home());

    Result r = hook(input("startup"), "--agent", "reviewer", "--kind", "worker");

    assertNothingWaiting(r.context(), "reviewer@abcdef12");
    assertThat(r.context())
        .contains("(role reviewer, kind worker)")
        .contains("tasks assigned to reviewer@abcdef12 or to the role reviewer");
    try (CoorddClient c = client()) {
      assertThat(agent(c, "reviewer@abcdef12").kind()).isEqualTo("worker");
      assertThat(c.listAgents()).noneMatch(a -> a.name().equals(AGENT));
      assertThat(c.listAgents()).noneMatch(a -> a.name().equals("reviewer"));
    }
  }

  @Test
  void without_a_daemon_it_says_so_still_lists_invocation_files_and_exits_0() throws Exception {
    writeInvocation(home(), "inv-offline", "Write the release notes", 1_000);

    Result r = hook(input("startup"));

    assertThat(r.exit()).isZero();
    assertThat(r.context())
        .contains("no coordd daemon is running")
        .contains("- inv-offline [claude] Write the release notes")
        .contains("coordd check process ID");
    assertThat(r.err()).contains("no coordd daemon is running");
  }

  @Test
  void a_cluster_home_without_its_daemon_says_the_invocations_are_in_the_database()
      throws Exception {
    // a leftover file from before the home joined a cluster is stale: not listed
    writeInvocation(home(), "inv-stale", "Old file", 1_000);
    Files.writeString(
        home().resolve("config.json"),
        "{\"store\": {\"kind\": \"postgres\","
            + " \"url\": \"jdbc:postgresql://127.0.0.1:5432/test?user=postgres\"}}");

    Result r = hook(input("startup"));

    assertThat(r.exit()).isZero();
    assertThat(r.context())
        .contains("no coordd daemon is running")
        .contains("cluster mode")
        .contains("listed once this machine's daemon answers")
        .doesNotContain("inv-stale");
  }

  @Test
  void without_a_daemon_and_nothing_queued_it_says_both() {
    Result r = hook(input("startup"));

    assertThat(r.exit()).isZero();
    assertThat(r.context())
        .contains("no coordd daemon is running")
        .contains("coordd: nothing pending for " + AGENT + ".");
  }

  @Test
  void bad_json_on_stdin_still_prints_valid_hook_output_and_exits_0() {
    startDaemon(home());

    Result r = hook("{not json");

    assertThat(r.exit()).isZero();
    assertThat(r.context()).contains("coordd could not read the hook input");
    assertThat(r.err()).contains("not valid JSON");
  }

  @Test
  void empty_stdin_registers_a_default_agent() {
    startDaemon(home());

    Result r = hook("");

    assertThat(r.exit()).as(r.err()).isZero();
    assertNothingWaiting(r.context(), "claude");
    try (CoorddClient c = client()) {
      assertThat(agent(c, "claude").kind()).isEqualTo("claude_code");
    }
  }

  @Test
  void missing_fields_are_tolerated() {
    startDaemon(home());

    Result r = hook("{\"session_id\":\"" + SESSION + "\",\"extra\":{\"nested\":true}}");

    assertThat(r.exit()).as(r.err()).isZero();
    assertNothingWaiting(r.context(), AGENT);
  }

  @Test
  void the_input_can_come_from_a_file() throws Exception {
    startDaemon(home());
    Path file = dir.resolve("input.json");
    Files.writeString(file, input("clear"));

    Result r = hook("", "--input", file.toString());

    assertNothingWaiting(r.context(), AGENT);
    try (CoorddClient c = client()) {
      assertThat(agent(c, AGENT).metadata().get("source").asText()).isEqualTo("clear");
    }
  }

  @Test
  void many_tasks_and_invocations_show_a_few_each_with_how_to_see_the_rest() throws Exception {
    startDaemon(home());
    String longText = "x".repeat(500);
    try (CoorddClient c = client()) {
      for (int i = 0; i < 15; i++) {
        c.createTask(
            NewTask.of("review")
                .withAssignedTo(AGENT)
                .withDescription("task " + i + " " + longText));
      }
    }
    for (int i = 0; i < 6; i++) {
      writeInvocation(home(), "inv-" + i, "invocation " + i + " " + longText, 1_000 + i);
    }

    String context = hook(input("startup")).context();

    assertThat(context.lines().filter(l -> l.startsWith("- "))).hasSize(10);
    assertThat(context.length()).isLessThan(4_000);
    assertThat(context.lines().filter(l -> l.startsWith("- "))).allMatch(l -> l.length() < 160);
    assertThat(context)
        .contains("Tasks queued for you (15, best first)")
        .contains("(10 more: coordd task list --status queued --assigned-to " + AGENT)
        .contains("Invocations waiting for an AI agent (6)")
        .contains("(1 more: coordd check");
  }

  @Test
  void the_home_defaults_to_dot_coordd_in_the_cwd_of_the_hook_input() {
    assumeTrue(System.getenv("COORDD_HOME") == null, "COORDD_HOME is set");
    Path project = dir.resolve("project");
    startDaemon(project.resolve(".coordd"));
    String in =
        "{\"session_id\":\""
            + SESSION
            + "\",\"cwd\":\""
            + project
            + "\","
            + "\"source\":\"startup\"}";

    Result r = run(in, List.of("hook", "session-start"));

    assertNothingWaiting(r.context(), AGENT);
    assertThat(r.context()).doesNotContain("--home");
    try (CoorddClient c = CoorddClient.connect(project.resolve(".coordd"))) {
      assertThat(agent(c, AGENT).metadata().get("cwd").asText()).isEqualTo(project.toString());
    }
  }

  @Test
  void default_names_keep_only_characters_an_agent_name_allows() {
    assertThat(SessionStartCommand.defaultName(SESSION)).isEqualTo(AGENT);
    assertThat(SessionStartCommand.defaultName("a/b c$d")).isEqualTo("claude-abcd");
    assertThat(SessionStartCommand.defaultName("///")).isEqualTo("claude");
    assertThat(SessionStartCommand.defaultName(null)).isEqualTo("claude");
  }

  @Test
  void a_hook_with_a_wrong_flag_still_prints_hook_json_and_exits_0() {
    Result r = run("{}", List.of("hook", "session-start", "--no-such-flag"));
    assertThat(r.exit()).isZero();
    assertThat(r.context())
        .contains("could not run its session-start hook")
        .contains("--no-such-flag");
  }

  @Test
  void a_hook_whose_stdin_never_ends_answers_within_its_timeout() throws Exception {
    PipedOutputStream writer = new PipedOutputStream();
    InputStream neverEnds = new PipedInputStream(writer);
    InputStream original = System.in;
    System.setIn(neverEnds);
    try {
      CliRun.Result r =
          CliRun.exactly(
              "hook",
              "session-start",
              "--timeout",
              "500ms",
              "--home",
              dir.resolve("none").toString());
      assertThat(r.exit()).isZero();
      assertThat(Json.read(r.out()).at("/hookSpecificOutput/additionalContext").asText())
          .contains("did not end within 500ms");
    } finally {
      System.setIn(original);
      writer.close();
    }
  }
}
