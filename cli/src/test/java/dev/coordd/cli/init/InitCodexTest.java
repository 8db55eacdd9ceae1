package dev.coordd.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.cli.Main;
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

/** {@code coordd init codex} run in-process on temp folders: config.toml edited in place. */
class InitCodexTest {
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

  @Test
  void codex_appends_the_server_table_and_an_agents_md_section() throws Exception {
    Files.createDirectories(codexHome);
    String original =
        """
        model = "gpt-5-codex"

        [projects."/some/project"]
        trust_level = "trusted"

        [mcp_servers.context7]
        command = "npx"
        args = ["-y", "@upstash/context7-mcp"]
        """;
    Files.writeString(codexHome.resolve("config.toml"), original);

    Result r = init("codex");

    assertThat(r.exit()).as(r.err()).isZero();
    String toml = Files.readString(codexHome.resolve("config.toml"));
    assertThat(toml)
        .startsWith(original)
        .endsWith(
            """

        [mcp_servers.coordd]
        command = "%s"
        args = ["mcp", "--home", "%s"]
        default_tools_approval_mode = "approve"
        """
                .formatted(launcher, home));
    assertThat(r.out())
        .contains("updated " + codexHome.resolve("config.toml"))
        .contains("created AGENTS.md")
        .contains("created .codex/hooks.json")
        .contains("/hooks")
        .contains("coordd check");
    String agents = Files.readString(project.resolve("AGENTS.md"));
    assertThat(agents)
        .startsWith("## coordd")
        .contains("coordd check")
        .contains("task claim --agent codex");
  }

  @Test
  void codex_creates_config_toml_when_absent_and_a_second_run_changes_nothing() throws Exception {
    assertThat(init("codex").out()).contains("created " + codexHome.resolve("config.toml"));
    String toml = Files.readString(codexHome.resolve("config.toml"));
    assertThat(toml).startsWith("[mcp_servers.coordd]\n");
    assertThat(Files.getPosixFilePermissions(codexHome.resolve("config.toml")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String agents = Files.readString(project.resolve("AGENTS.md"));

    Result again = init("codex");

    assertThat(again.out())
        .contains("unchanged " + codexHome.resolve("config.toml"))
        .contains("unchanged AGENTS.md");
    assertThat(Files.readString(codexHome.resolve("config.toml"))).isEqualTo(toml);
    assertThat(Files.readString(project.resolve("AGENTS.md"))).isEqualTo(agents);
  }

  @Test
  void codex_replaces_only_command_and_args_of_an_existing_coordd_table() throws Exception {
    Files.createDirectories(codexHome);
    Files.writeString(
        codexHome.resolve("config.toml"),
        """
        # my codex config
        model = "o3"

        [mcp_servers.coordd]
        command = "/old/bin/coordd"
        args = [
          "mcp",  # the server
          "--home", "/old/.coordd",
        ]
        startup_timeout_sec = 20

        [mcp_servers.coordd.env]
        COORDD_AGENT = "codex"

        [mcp_servers.other]
        command = "other"
        """);

    Result r = init("codex");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(codexHome.resolve("config.toml")))
        .isEqualTo(
            """
        # my codex config
        model = "o3"

        [mcp_servers.coordd]
        command = "%s"
        args = ["mcp", "--home", "%s"]
        default_tools_approval_mode = "approve"
        startup_timeout_sec = 20

        [mcp_servers.coordd.env]
        COORDD_AGENT = "codex"

        [mcp_servers.other]
        command = "other"
        """
                .formatted(launcher, home));
    assertThat(init("codex").out()).contains("unchanged " + codexHome.resolve("config.toml"));
  }

  @Test
  void codex_keeps_an_agents_md_that_already_has_a_coordd_section_and_appends_otherwise()
      throws Exception {
    Path agents = project.resolve("AGENTS.md");
    Files.writeString(agents, "# Rules\n\nBe nice.\n\n## Working with coordd\n\nRun it.\n");
    assertThat(init("codex").out()).contains("unchanged AGENTS.md");
    assertThat(Files.readString(agents))
        .isEqualTo("# Rules\n\nBe nice.\n\n## Working with coordd\n\nRun it.\n");

    Files.writeString(agents, "# Rules\n\nBe nice.\n");
    assertThat(init("codex").out()).contains("updated AGENTS.md");
    assertThat(Files.readString(agents)).startsWith("# Rules\n\nBe nice.\n\n## coordd\n");
  }

  @Test
  void codex_refuses_a_server_defined_in_a_form_it_does_not_edit() throws Exception {
    Files.createDirectories(codexHome);
    String inline = "mcp_servers = { coordd = { command = \"x\" } }\n";
    Files.writeString(codexHome.resolve("config.toml"), inline);

    Result r = init("codex");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("does not edit");
    assertThat(Files.readString(codexHome.resolve("config.toml"))).isEqualTo(inline);
    assertThat(project.resolve("AGENTS.md")).doesNotExist();
  }

  @Test
  void codex_refuses_a_config_toml_that_is_not_valid_toml_and_writes_nothing() throws Exception {
    Files.createDirectories(codexHome);
    String broken = "model = \"o3\"\n[mcp_servers.context7\ncommand = \"npx\"\n";
    Files.writeString(codexHome.resolve("config.toml"), broken);

    Result r = init("codex");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(codexHome.resolve("config.toml") + " is not valid TOML")
        .contains("nothing was changed");
    assertThat(Files.readString(codexHome.resolve("config.toml"))).isEqualTo(broken);
    assertThat(project.resolve("AGENTS.md")).doesNotExist();
  }

  @Test
  void codex_keeps_every_comment_of_the_users_config_toml() throws Exception {
    Files.createDirectories(codexHome);
    String original =
        """
        # Codex settings, kept in git
        model = "o3" # the good one

        # servers I use every day
        [mcp_servers.context7]
        command = "npx" # via node
        args = [
          "-y", # no prompt
          "@upstash/context7-mcp",
        ]
        # end of servers
        """;
    Files.writeString(codexHome.resolve("config.toml"), original);

    Result r = init("codex");

    assertThat(r.exit()).as(r.err()).isZero();
    String toml = Files.readString(codexHome.resolve("config.toml"));
    assertThat(toml).startsWith(original).contains("[mcp_servers.coordd]");
    assertThat(toml.lines().filter(l -> l.contains("#")))
        .containsExactlyElementsOf(original.lines().filter(l -> l.contains("#")).toList());
  }

  @Test
  void codex_updates_a_coordd_table_already_present_in_place_keeping_its_comments()
      throws Exception {
    Files.createDirectories(codexHome);
    String original =
        """
        model = "o3"\r
        \r
        # coordd, set up last spring\r
        [mcp_servers.coordd]\r
        # the launcher moved since\r
        command = "/old/bin/coordd"\r
        args = ["mcp"]\r
        env = { COORDD_AGENT = "codex" } # who I am\r
        \r
        [mcp_servers.other]\r
        command = "other"\r
        """;
    Files.writeString(codexHome.resolve("config.toml"), original);

    Result r = init("codex");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("updated " + codexHome.resolve("config.toml"));
    assertThat(Files.readString(codexHome.resolve("config.toml")))
        .isEqualTo(
            original
                .replace("command = \"/old/bin/coordd\"", "command = \"" + launcher + "\"")
                .replace(
                    "args = [\"mcp\"]",
                    "args = [\"mcp\", \"--home\", \""
                        + home
                        + "\"]\r\ndefault_tools_approval_mode = \"approve\""));
  }

  @Test
  void codex_gives_a_coordd_table_known_only_by_its_subtable_a_header_of_its_own()
      throws Exception {
    Files.createDirectories(codexHome);
    String original =
        """
        [mcp_servers.coordd.env]
        COORDD_AGENT = "codex"

        [profiles.fast]
        model = "o4-mini"
        """;
    Files.writeString(codexHome.resolve("config.toml"), original);

    Result r = init("codex");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(codexHome.resolve("config.toml")))
        .isEqualTo(
            original
                + """

                [mcp_servers.coordd]
                command = "%s"
                args = ["mcp", "--home", "%s"]
                default_tools_approval_mode = "approve"
                """
                    .formatted(launcher, home));
  }

  @Test
  void codex_leaves_an_inline_coordd_entry_that_is_already_right_as_it_is() throws Exception {
    Files.createDirectories(codexHome);
    String inline =
        ("mcp_servers = { coordd = { command = \"%s\", args = [\"mcp\", \"--home\", \"%s\"],"
                + " default_tools_approval_mode = \"approve\" } }\n")
            .formatted(launcher, home);
    Files.writeString(codexHome.resolve("config.toml"), inline);

    Result r = init("codex");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("unchanged " + codexHome.resolve("config.toml"));
    assertThat(Files.readString(codexHome.resolve("config.toml"))).isEqualTo(inline);
  }
}
