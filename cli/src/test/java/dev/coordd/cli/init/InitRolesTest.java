package dev.coordd.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.coordd.cli.Main;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code coordd init claude|codex|gemini --agent ROLE} in a temporary repository and Codex home:
 * every written file parsed back (JSON with Jackson, TOML with jackson-dataformat-toml) holds the
 * MCP command, what lets each CLI call coordd's tools unasked, and both session hooks.
 */
class InitRolesTest {
  @TempDir Path dir;
  Path project;
  Path codexHome;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    project = Files.createDirectories(dir.resolve("repo"));
    codexHome = dir.resolve("home/.codex");
  }

  Result init(String... args) {
    List<String> all = new ArrayList<>(List.of("init"));
    all.addAll(List.of(args));
    all.addAll(List.of("--dir", project.toString()));
    if (all.contains("codex")) {
      all.addAll(List.of("--codex-home", codexHome.toString()));
    }
    if (!all.contains("--home")) {
      all.addAll(List.of("--home", project.resolve(".coordd").toString()));
    }
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  JsonNode json(String relative) throws Exception {
    return Json.read(Files.readString(project.resolve(relative)));
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The commands of the handlers under {@code hooks.<event>}. */
  static List<String> hookCommands(JsonNode settings, String event) {
    List<String> out = new ArrayList<>();
    for (JsonNode group : settings.path("hooks").path(event)) {
      for (JsonNode h : group.path("hooks")) {
        assertThat(h.path("type").asText()).isEqualTo("command");
        out.add(h.path("command").asText());
      }
    }
    return out;
  }

  /** Every file under the project and the Codex home, by path, with its bytes as text. */
  Map<String, String> snapshot() throws Exception {
    Map<String, String> files = new TreeMap<>();
    for (Path root : List.of(project, codexHome)) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          files.put(p.toString(), Files.readString(p));
        }
      }
    }
    return files;
  }

  void assertIdempotent(String... args) throws Exception {
    Map<String, String> first = snapshot();
    Result again = init(args);
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).doesNotContain("updated").doesNotContain("created");
    assertThat(snapshot()).isEqualTo(first);
  }

  @Test
  void claude_with_a_role() throws Exception {
    Result r = init("claude", "--agent", "reviewer");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode server = json(".mcp.json").at("/mcpServers/coordd");
    assertThat(server.get("command").asText()).isEqualTo("coordd");
    assertThat(texts(server.get("args")))
        .containsExactly("mcp", "--agent", "reviewer", "--kind", "claude_code");
    JsonNode settings = json(".claude/settings.json");
    assertThat(texts(settings.at("/permissions/allow"))).containsExactly("mcp__coordd");
    assertThat(texts(settings.at("/enabledMcpjsonServers"))).containsExactly("coordd");
    assertThat(hookCommands(settings, "SessionStart"))
        .containsExactly("coordd hook session-start --agent reviewer --kind claude_code");
    assertThat(hookCommands(settings, "SessionEnd"))
        .containsExactly("coordd hook session-end --agent reviewer --kind claude_code");
    assertThat(r.out()).contains("reviewer@<session id>");
    assertIdempotent("claude", "--agent", "reviewer");
  }

  @Test
  void claude_keeps_the_users_permissions_and_adds_its_rule_once() throws Exception {
    Files.createDirectories(project.resolve(".claude"));
    Files.writeString(
        project.resolve(".claude/settings.json"),
        """
        {"permissions": {"allow": ["Bash(npm test:*)", "mcp__coordd"], "deny": ["WebFetch"]},
         "enabledMcpjsonServers": ["github"]}
        """);

    assertThat(init("claude").exit()).isZero();

    JsonNode settings = json(".claude/settings.json");
    assertThat(texts(settings.at("/permissions/allow")))
        .containsExactly("Bash(npm test:*)", "mcp__coordd");
    assertThat(texts(settings.at("/permissions/deny"))).containsExactly("WebFetch");
    assertThat(texts(settings.at("/enabledMcpjsonServers"))).containsExactly("github", "coordd");
  }

  @Test
  void claude_refuses_permissions_it_cannot_merge_into() throws Exception {
    Files.createDirectories(project.resolve(".claude"));
    String odd = "{\"permissions\": {\"allow\": \"mcp__coordd\"}}";
    Files.writeString(project.resolve(".claude/settings.json"), odd);

    Result r = init("claude");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("\"permissions.allow\" is not an array").contains("nothing");
    assertThat(Files.readString(project.resolve(".claude/settings.json"))).isEqualTo(odd);
    assertThat(project.resolve(".mcp.json")).doesNotExist();
  }

  @Test
  void codex_with_a_role() throws Exception {
    Files.createDirectories(codexHome);
    Files.writeString(
        codexHome.resolve("config.toml"),
        "model = \"gpt-5-codex\"\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n");

    Result r = init("codex", "--agent", "reviewer");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode toml = new TomlMapper().readTree(Files.readString(codexHome.resolve("config.toml")));
    assertThat(toml.at("/model").asText()).isEqualTo("gpt-5-codex");
    assertThat(toml.at("/mcp_servers/docs/command").asText()).isEqualTo("docs-mcp");
    JsonNode server = toml.at("/mcp_servers/coordd");
    assertThat(server.get("command").asText()).isEqualTo("coordd");
    assertThat(texts(server.get("args")))
        .containsExactly(
            "mcp",
            "--home",
            project.resolve(".coordd").toString(),
            "--agent",
            "reviewer",
            "--kind",
            "codex");
    assertThat(server.get("default_tools_approval_mode").asText()).isEqualTo("approve");
    JsonNode hooks = json(".codex/hooks.json");
    assertThat(hooks.properties()).extracting(Map.Entry::getKey).containsExactly("hooks");
    assertThat(hookCommands(hooks, "SessionStart"))
        .containsExactly("coordd hook session-start --agent reviewer --kind codex");
    assertThat(hookCommands(hooks, "SessionEnd"))
        .containsExactly("coordd hook session-end --agent reviewer --kind codex");
    assertThat(hooks.at("/hooks/SessionEnd/0/hooks/0/timeout").asInt()).isEqualTo(3);
    assertThat(hooks.at("/hooks/SessionStart/0/hooks/0/timeout").isMissingNode()).isTrue();
    assertThat(Files.readString(project.resolve("AGENTS.md")))
        .contains("coordd task claim --agent reviewer")
        .contains("--token TOKEN");
    assertThat(r.out()).contains("/hooks").contains("trust");
    assertIdempotent("codex", "--agent", "reviewer");
  }

  @Test
  void gemini_with_a_role() throws Exception {
    Files.createDirectories(project.resolve(".gemini"));
    Files.writeString(
        project.resolve(".gemini/settings.json"),
        """
        {"mcpServers": {"coordd": {"command": "old", "args": [], "timeout": 30000}},
         "hooks": {"BeforeTool": [{"matcher": "write_file", "hooks": [{"type": "command", "command": "lint.sh"}]}]}}
        """);

    Result r = init("gemini", "--agent", "reviewer");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode settings = json(".gemini/settings.json");
    JsonNode server = settings.at("/mcpServers/coordd");
    assertThat(server.get("command").asText()).isEqualTo("coordd");
    assertThat(texts(server.get("args")))
        .containsExactly("mcp", "--agent", "reviewer", "--kind", "gemini");
    assertThat(server.get("trust").asBoolean()).isTrue();
    assertThat(server.get("timeout").asInt()).isEqualTo(30000);
    assertThat(hookCommands(settings, "BeforeTool")).containsExactly("lint.sh");
    assertThat(hookCommands(settings, "SessionStart"))
        .containsExactly("coordd hook session-start --agent reviewer --kind gemini");
    assertThat(hookCommands(settings, "SessionEnd"))
        .containsExactly("coordd hook session-end --agent reviewer --kind gemini");
    assertThat(settings.at("/hooks/SessionStart/0/hooks/0/name").asText())
        .isEqualTo("coordd-session-start");
    assertThat(r.out())
        .contains("trusted folder")
        .contains("Trust folder")
        .contains("--skip-trust")
        .contains("GEMINI_CLI_TRUST_WORKSPACE=true");
    assertIdempotent("gemini", "--agent", "reviewer");
  }

  @Test
  void another_role_updates_the_hooks_in_place() throws Exception {
    init("claude", "--agent", "reviewer");
    init("claude", "--agent", "writer");

    JsonNode settings = json(".claude/settings.json");
    assertThat(hookCommands(settings, "SessionStart"))
        .containsExactly("coordd hook session-start --agent writer --kind claude_code");
    assertThat(hookCommands(settings, "SessionEnd"))
        .containsExactly("coordd hook session-end --agent writer --kind claude_code");
    assertThat(texts(json(".mcp.json").at("/mcpServers/coordd/args")))
        .containsExactly("mcp", "--agent", "writer", "--kind", "claude_code");
  }

  @Test
  void without_a_role_an_agent_the_user_gave_the_hook_by_hand_is_kept() throws Exception {
    Files.createDirectories(project.resolve(".claude"));
    Files.writeString(
        project.resolve(".claude/settings.json"),
        """
        {"hooks": {"SessionStart": [{"hooks": [{"type": "command",
          "command": "/x/coordd hook session-start --agent ops --capability deploy"}]}]}}
        """);

    init("claude");

    assertThat(hookCommands(json(".claude/settings.json"), "SessionStart"))
        .containsExactly(
            "coordd hook session-start --kind claude_code --agent ops --capability deploy");
  }

  @Test
  void a_role_that_is_not_a_name_is_refused_and_nothing_is_written() throws Exception {
    for (String bad : List.of("reviewer@1", "two words", "-dash", "x".repeat(101))) {
      Result r = init("gemini", "--agent", bad);
      assertThat(r.exit()).as(bad).isEqualTo(2);
      assertThat(r.err()).contains("is not a role name").contains("e.g. --agent reviewer");
    }
    try (Stream<Path> files = Files.list(project)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void a_home_elsewhere_is_named_in_every_command() throws Exception {
    Path elsewhere = dir.resolve("shared-home");

    assertThat(init("claude", "--agent", "reviewer", "--home", elsewhere.toString()).exit())
        .isZero();

    assertThat(texts(json(".mcp.json").at("/mcpServers/coordd/args")))
        .containsExactly(
            "mcp", "--home", elsewhere.toString(), "--agent", "reviewer", "--kind", "claude_code");
    assertThat(hookCommands(json(".claude/settings.json"), "SessionEnd"))
        .containsExactly(
            "coordd hook session-end --home " + elsewhere + " --agent reviewer --kind claude_code");
  }

  @Test
  void the_path_warning_appears_exactly_when_coordd_is_not_on_the_path() {
    Result r = init("claude");

    if (Launchers.onPath("coordd")) {
      assertThat(r.out()).doesNotContain("is not on your PATH");
    } else {
      assertThat(r.out())
          .contains("warning: `coordd` is not on your PATH")
          .contains("README")
          .contains("ln -s");
    }
  }

  @Test
  void on_path_finds_only_executable_files() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("coordd"), "not executable");
    assertThat(Launchers.onPath("coordd", other + ":" + bin)).isFalse();

    Path exe = Files.writeString(bin.resolve("coordd"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(Launchers.onPath("coordd", other + "::" + bin)).isTrue();
    assertThat(Launchers.onPath("coordd", "")).isFalse();
    assertThat(Launchers.onPath("coordd", null)).isFalse();
  }
}
