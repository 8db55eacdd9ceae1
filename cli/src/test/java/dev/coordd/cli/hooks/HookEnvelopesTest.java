package dev.coordd.cli.hooks;

import static dev.coordd.cli.hooks.HookCommandTest.assertNothingWaiting;
import static dev.coordd.cli.hooks.HookCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.Agent;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.hooks.HookCommandTest.Result;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session hooks with the input each agent CLI really sends (field names from their published
 * hook schemas), a role, and a real daemon: the session becomes {@code ROLE@<8>} of its kind, and
 * session-end with the same flags signs that instance off.
 */
class HookEnvelopesTest {
  /** Claude Code's SessionStart input. */
  static final String CLAUDE_START =
      """
      {"session_id":"5f1c2e9a-7b3d-4c21-9e8f-0a1b2c3d4e5f","transcript_path":"/home/u/.claude/projects/p/5f1c2e9a.jsonl",
       "cwd":"%s","hook_event_name":"SessionStart","source":"startup"}
      """;

  /** Claude Code's SessionEnd input. */
  static final String CLAUDE_END =
      """
      {"session_id":"5f1c2e9a-7b3d-4c21-9e8f-0a1b2c3d4e5f","transcript_path":"/home/u/.claude/projects/p/5f1c2e9a.jsonl",
       "cwd":"%s","hook_event_name":"SessionEnd","reason":"prompt_input_exit"}
      """;

  /** Codex's SessionStart input (codex-rs/hooks session-start.command.input schema). */
  static final String CODEX_START =
      """
      {"session_id":"019d036d-c7fa-72d2-b6fd-78878bfe34e4","transcript_path":null,"cwd":"%s",
       "hook_event_name":"SessionStart","model":"gpt-5-codex","permission_mode":"default",
       "source":"startup","active_profile":null}
      """;

  /** Codex's SessionEnd input: the same common fields. */
  static final String CODEX_END =
      """
      {"session_id":"019d036d-c7fa-72d2-b6fd-78878bfe34e4","transcript_path":null,"cwd":"%s",
       "hook_event_name":"SessionEnd","model":"gpt-5-codex","permission_mode":"default"}
      """;

  /** Gemini CLI's SessionStart input (docs/hooks/reference.md: base fields and source). */
  static final String GEMINI_START =
      """
      {"session_id":"a3f9c0de11b24f6e","transcript_path":"/home/u/.gemini/tmp/chats/session.json",
       "cwd":"%s","hook_event_name":"SessionStart","timestamp":"2026-12-01T17:00:00.000Z",
       "source":"startup"}
      """;

  /** Gemini CLI's SessionEnd input. */
  static final String GEMINI_END =
      """
      {"session_id":"a3f9c0de11b24f6e","transcript_path":"/home/u/.gemini/tmp/chats/session.json",
       "cwd":"%s","hook_event_name":"SessionEnd","timestamp":"2026-12-01T17:30:00.000Z",
       "reason":"exit"}
      """;

  @TempDir Path dir;
  Path project;
  Daemon daemon;

  @BeforeEach
  void start() {
    project = dir.resolve("project");
    daemon = Daemon.start(ConfigLoader.load(project.resolve(".coordd"), Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  Result hook(String which, String envelope, String... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("hook", which));
    args.addAll(List.of(flags));
    args.addAll(List.of("--home", project.resolve(".coordd").toString()));
    return run(envelope.formatted(project), args);
  }

  CoorddClient client() {
    return CoorddClient.connect(project.resolve(".coordd"));
  }

  Agent agent(CoorddClient c, String name) {
    return c.listAgents().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * The whole life of one session of role reviewer: registered as reviewer@SESSION8 with the kind,
   * told of the task waiting for the role, and signed off by session-end (its claim back at once).
   */
  void lifeOfASession(String start, String end, String kind, String session8) {
    String name = "reviewer@" + session8;
    try (CoorddClient c = client()) {
      c.createTask(NewTask.of("review").withAssignedTo("reviewer").withDescription("PR 17"));
    }

    Result r = hook("session-start", start, "--agent", "reviewer", "--kind", kind);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.context())
        .startsWith("coordd: you are agent " + name + " (role reviewer, kind " + kind + ")")
        .contains("Tasks queued for you or your role reviewer (1, best first)")
        .contains("[review] for reviewer: PR 17")
        .contains("coordd task claim --agent " + name);
    Task claimed;
    try (CoorddClient c = client()) {
      Agent a = agent(c, name);
      assertThat(a.kind()).isEqualTo(kind);
      assertThat(a.metadata().get("cwd").asText()).isEqualTo(project.toString());
      assertThat(a.metadata().get("source").asText()).isEqualTo("startup");
      c.createTask(NewTask.of("build").withAssignedTo(name));
      claimed = c.claimTasks(name, List.of("build"), 1, 0, null).getFirst();
    }
    assertThat(hook("session-start", start, "--agent", "reviewer", "--kind", kind).context())
        .contains("Tasks you are running (1)")
        .contains(claimed.id());

    Result ended = hook("session-end", end, "--agent", "reviewer", "--kind", kind);

    assertThat(ended.exit()).isZero();
    assertThat(ended.out()).isEmpty();
    assertThat(ended.err()).contains("signed off " + name);
    try (CoorddClient c = client()) {
      assertThat(agent(c, name).status()).isNotEqualTo(AgentStatus.ACTIVE);
      assertThat(c.getTask(claimed.id()).status()).isEqualTo(TaskStatus.QUEUED);
    }
  }

  @Test
  void a_claude_code_session_of_a_role() {
    lifeOfASession(CLAUDE_START, CLAUDE_END, "claude_code", "5f1c2e9a");
  }

  @Test
  void a_codex_session_of_a_role() {
    lifeOfASession(CODEX_START, CODEX_END, "codex", "019d036d");
  }

  @Test
  void a_gemini_cli_session_of_a_role() {
    lifeOfASession(GEMINI_START, GEMINI_END, "gemini", "a3f9c0de");
  }

  @Test
  void without_a_role_each_kind_names_its_sessions_after_itself() {
    Result codex = hook("session-start", CODEX_START, "--kind", "codex");
    Result gemini = hook("session-start", GEMINI_START, "--kind", "gemini");

    assertNothingWaiting(codex.context(), "codex-019d036d");
    assertNothingWaiting(gemini.context(), "gemini-a3f9c0de");
    try (CoorddClient c = client()) {
      assertThat(agent(c, "codex-019d036d").kind()).isEqualTo("codex");
      assertThat(agent(c, "gemini-a3f9c0de").kind()).isEqualTo("gemini");
    }
    assertThat(hook("session-end", CODEX_END, "--kind", "codex").err())
        .contains("signed off codex-019d036d");
  }

  @Test
  void two_sessions_of_one_role_are_two_agents() {
    hook("session-start", CLAUDE_START, "--agent", "reviewer");
    hook("session-start", CODEX_START, "--agent", "reviewer", "--kind", "codex");

    try (CoorddClient c = client()) {
      assertThat(c.listAgents().stream().map(Agent::name))
          .contains("reviewer@5f1c2e9a", "reviewer@019d036d")
          .doesNotContain("reviewer");
    }
    hook("session-end", CLAUDE_END, "--agent", "reviewer");
    try (CoorddClient c = client()) {
      assertThat(agent(c, "reviewer@5f1c2e9a").status()).isNotEqualTo(AgentStatus.ACTIVE);
      assertThat(agent(c, "reviewer@019d036d").status()).isEqualTo(AgentStatus.ACTIVE);
    }
  }

  @Test
  void an_instance_name_given_as_the_agent_is_taken_as_it_is() {
    Result r = hook("session-start", CLAUDE_START, "--agent", "reviewer@fixed");

    assertNothingWaiting(r.context(), "reviewer@fixed");
  }
}
