package dev.coordd.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.Main;
import dev.coordd.cli.Shell;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code coordd init claude|codex|gemini} run in-process on temp folders. */
class InitCommandTest {
  @TempDir Path dir;
  Path project;
  Path home;
  Path codexHome;

  /** The coordd command init writes: plain, resolved from the PATH of whoever runs the agent. */
  static final String launcher = "coordd";

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    project = Files.createDirectories(dir.resolve("project"));
    home = project.resolve(".coordd");
    codexHome = dir.resolve("codex-home");
  }

  Result init(String... args) {
    List<String> all = new ArrayList<>(List.of("init"));
    all.addAll(List.of(args));
    all.addAll(List.of("--dir", project.toString(), "--home", home.toString()));
    if (all.contains("codex")) {
      all.addAll(List.of("--codex-home", codexHome.toString()));
    }
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  JsonNode json(Path file) throws Exception {
    return Json.read(Files.readString(file));
  }

  Path mcpJson() {
    return project.resolve(".mcp.json");
  }

  Path claudeSettings() {
    return project.resolve(".claude/settings.json");
  }

  String hookCommand() {
    return launcher + " hook session-start --kind claude_code";
  }

  List<String> coorddHookCommands(JsonNode settings) {
    List<String> found = new ArrayList<>();
    for (JsonNode group : settings.at("/hooks/SessionStart")) {
      for (JsonNode h : group.path("hooks")) {
        if (h.path("command").asText().contains("hook session-start")) {
          found.add(h.path("command").asText());
        }
      }
    }
    return found;
  }

  // --- claude ---

  @Test
  void claude_creates_the_mcp_server_and_the_session_start_hook() throws Exception {
    Result r = init("claude");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("created .mcp.json").contains("created .claude/settings.json");
    JsonNode server = json(mcpJson()).at("/mcpServers/coordd");
    assertThat(server.get("command").asText()).isEqualTo(launcher);
    // the default home (<project>/.coordd) is the server's own default: no path of this machine
    assertThat(server.get("args")).hasSize(1);
    assertThat(server.get("args").get(0).asText()).isEqualTo("mcp");
    JsonNode hook = json(claudeSettings()).at("/hooks/SessionStart/0/hooks/0");
    assertThat(hook.get("type").asText()).isEqualTo("command");
    assertThat(hook.get("command").asText()).isEqualTo(hookCommand());
    assertThat(json(claudeSettings()).at("/hooks/SessionEnd/0/hooks/0/command").asText())
        .isEqualTo(launcher + " hook session-end --kind claude_code");
    assertThat(Files.readString(mcpJson())).startsWith("{\n  \"mcpServers\": {").endsWith("}\n");
  }

  @Test
  void claude_merges_into_existing_files_keeping_every_other_server_hook_and_key()
      throws Exception {
    Files.writeString(
        mcpJson(),
        """
        {"mcpServers": {"github": {"command": "gh-mcp", "args": ["--stdio"]},
                        "coordd": {"command": "/old/coordd", "args": ["mcp"], "env": {"X": "1"}}},
         "other": true}
        """);
    Files.createDirectories(claudeSettings().getParent());
    Files.writeString(
        claudeSettings(),
        """
        {"permissions": {"allow": ["Bash(ls:*)"]},
         "hooks": {
           "SessionStart": [{"matcher": "startup", "hooks": [{"type": "command", "command": "echo hi"}]}],
           "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "check.sh"}]}]
         },
         "model": "opus"}
        """);

    Result r = init("claude");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("updated .mcp.json").contains("updated .claude/settings.json");
    JsonNode mcp = json(mcpJson());
    assertThat(mcp.at("/mcpServers/github/command").asText()).isEqualTo("gh-mcp");
    assertThat(mcp.at("/other").asBoolean()).isTrue();
    assertThat(mcp.at("/mcpServers/coordd/command").asText()).isEqualTo(launcher);
    assertThat(mcp.at("/mcpServers/coordd/args").toString()).isEqualTo("[\"mcp\"]");
    assertThat(mcp.at("/mcpServers/coordd/env/X").asText()).isEqualTo("1");
    JsonNode settings = json(claudeSettings());
    assertThat(settings.at("/permissions/allow/0").asText()).isEqualTo("Bash(ls:*)");
    assertThat(settings.at("/model").asText()).isEqualTo("opus");
    assertThat(settings.at("/hooks/PreToolUse/0/hooks/0/command").asText()).isEqualTo("check.sh");
    assertThat(settings.at("/hooks/SessionStart/0/hooks/0/command").asText()).isEqualTo("echo hi");
    assertThat(coorddHookCommands(settings)).containsExactly(hookCommand());
  }

  @Test
  void claude_run_twice_changes_nothing_the_second_time() throws Exception {
    assertThat(init("claude").exit()).isZero();
    String mcp = Files.readString(mcpJson());
    String settings = Files.readString(claudeSettings());

    Result again = init("claude");

    assertThat(again.exit()).isZero();
    assertThat(again.out())
        .contains("unchanged .mcp.json")
        .contains("unchanged .claude/settings.json")
        .doesNotContain("updated");
    assertThat(Files.readString(mcpJson())).isEqualTo(mcp);
    assertThat(Files.readString(claudeSettings())).isEqualTo(settings);
    assertThat(coorddHookCommands(json(claudeSettings()))).hasSize(1);
  }

  @Test
  void an_identical_entry_leaves_a_hand_formatted_file_byte_for_byte() throws Exception {
    String original =
        "{\"mcpServers\":{\"coordd\":{\"command\":\"" + launcher + "\",\"args\":[\"mcp\"]}}}";
    Files.writeString(mcpJson(), original);

    Result r = init("claude");

    assertThat(r.out()).contains("unchanged .mcp.json");
    assertThat(Files.readString(mcpJson())).isEqualTo(original);
  }

  @Test
  void an_outdated_coordd_hook_is_updated_in_place_not_duplicated() throws Exception {
    Files.createDirectories(claudeSettings().getParent());
    Files.writeString(
        claudeSettings(),
        """
        {"hooks": {"SessionStart": [{"hooks": [
          {"type": "command", "command": "/old/bin/coordd hook session-start --home /old/.coordd",
           "timeout": 30}]}]}}
        """);

    Result r = init("claude");

    assertThat(r.out()).contains("updated .claude/settings.json");
    JsonNode settings = json(claudeSettings());
    assertThat(coorddHookCommands(settings)).containsExactly(hookCommand());
    assertThat(settings.at("/hooks/SessionStart/0/hooks/0/timeout").asInt()).isEqualTo(30);
  }

  @Test
  void a_file_that_is_not_valid_json_is_refused_and_nothing_is_written() throws Exception {
    Files.writeString(mcpJson(), "{\"mcpServers\": {oops");

    Result r = init("claude");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(".mcp.json is not valid JSON").contains("nothing was changed");
    assertThat(Files.readString(mcpJson())).isEqualTo("{\"mcpServers\": {oops");
    assertThat(claudeSettings()).doesNotExist();
  }

  @Test
  void a_json_file_with_trailing_garbage_or_a_non_object_is_refused() throws Exception {
    Files.writeString(mcpJson(), "{} {}");
    assertThat(init("claude").exit()).isEqualTo(2);
    Files.writeString(mcpJson(), "[1, 2]");
    Result r = init("claude");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("does not hold a JSON object");
  }

  @Test
  void dry_run_reports_the_changes_and_writes_nothing() throws Exception {
    Result r = init("claude", "--dry-run");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("would create .mcp.json")
        .contains("would create .claude/settings.json")
        .contains("nothing was written");
    assertThat(mcpJson()).doesNotExist();
    assertThat(project.resolve(".claude")).doesNotExist();

    Result codex = init("codex", "--dry-run");
    assertThat(codex.exit()).as(codex.err()).isZero();
    assertThat(codex.out()).contains("would create");
    assertThat(codexHome).doesNotExist();
    assertThat(project.resolve("AGENTS.md")).doesNotExist();
    assertThat(project.resolve(".codex")).doesNotExist();
  }

  @Test
  void writes_are_atomic_and_leave_no_temp_files_and_keep_permissions() throws Exception {
    Files.writeString(mcpJson(), "{}");
    Files.setPosixFilePermissions(mcpJson(), PosixFilePermissions.fromString("rw-------"));

    init("claude");

    assertThat(Files.getPosixFilePermissions(mcpJson()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (var files = Files.list(project)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  // --- .gitignore ---

  @Test
  void the_home_inside_the_project_is_added_to_gitignore_once_keeping_the_rest() throws Exception {
    Files.writeString(project.resolve(".gitignore"), "target/\n*.log");

    Result r = init("claude");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("updated .gitignore (coordd home ignored)");
    assertThat(Files.readString(project.resolve(".gitignore")))
        .isEqualTo(
            "target/\n*.log\n# coordd's home: the task queue, socket and logs of this machine"
                + " (private)\n/.coordd/\n");
    assertThat(init("codex").out()).contains("unchanged .gitignore");
    assertThat(init("gemini").out()).contains("unchanged .gitignore");
  }

  @Test
  void a_gitignore_that_already_names_the_home_is_left_as_it_is() throws Exception {
    Files.writeString(project.resolve(".gitignore"), ".coordd\n");

    assertThat(init("claude").out()).contains("unchanged .gitignore");
    assertThat(Files.readString(project.resolve(".gitignore"))).isEqualTo(".coordd\n");
  }

  @Test
  void a_home_outside_the_project_leaves_gitignore_alone() throws Exception {
    home = dir.resolve("elsewhere");

    assertThat(init("claude").exit()).isZero();
    assertThat(project.resolve(".gitignore")).doesNotExist();
  }

  // --- gemini ---

  @Test
  void gemini_merges_the_server_into_gemini_settings_keeping_other_settings() throws Exception {
    Path settings = project.resolve(".gemini/settings.json");
    Files.createDirectories(settings.getParent());
    Files.writeString(
        settings,
        """
        {"theme": "Dracula", "mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}}}
        """);

    Result r = init("gemini");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("updated .gemini/settings.json");
    JsonNode s = json(settings);
    assertThat(s.at("/theme").asText()).isEqualTo("Dracula");
    assertThat(s.at("/mcpServers/git/command").asText()).isEqualTo("uvx");
    assertThat(s.at("/mcpServers/coordd/command").asText()).isEqualTo(launcher);
    assertThat(s.at("/mcpServers/coordd/args").toString()).isEqualTo("[\"mcp\"]");
    assertThat(s.at("/mcpServers/coordd/trust").asBoolean()).isTrue();
    assertThat(init("gemini").out()).contains("unchanged .gemini/settings.json");
  }

  @Test
  void gemini_refuses_invalid_json() throws Exception {
    Path settings = project.resolve(".gemini/settings.json");
    Files.createDirectories(settings.getParent());
    Files.writeString(settings, "{ // comments are not JSON\n}");

    Result r = init("gemini");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not valid JSON");
  }

  @Test
  void updating_the_hook_keeps_flags_the_user_added() {
    String updated =
        SessionHooks.keepUserFlags(
            "coordd hook session-start --home /old/.coordd --agent 'my agent' --timeout=5s",
            "/bin/coordd hook session-start --home /new/.coordd",
            "session-start",
            false);
    assertThat(updated)
        .isEqualTo(
            "/bin/coordd hook session-start --home /new/.coordd --agent 'my agent' --timeout=5s");
    assertThat(Shell.split(updated))
        .containsExactly(
            "/bin/coordd",
            "hook",
            "session-start",
            "--home",
            "/new/.coordd",
            "--agent",
            "my agent",
            "--timeout=5s");
  }
}
