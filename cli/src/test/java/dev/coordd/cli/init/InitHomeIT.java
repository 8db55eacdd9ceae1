package dev.coordd.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.coordd.cli.Launcher;
import dev.coordd.cli.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coordd init codex} as a process, where the environment is real: it honours $HOME. */
class InitHomeIT {
  @TempDir Path dir;
  final Launcher launcher = new Launcher();

  @AfterEach
  void stop() throws InterruptedException {
    launcher.close();
  }

  @Test
  void codex_config_goes_under_the_home_directory_of_the_environment() throws Exception {
    Path project = Files.createDirectories(dir.resolve("project"));
    Path home = Files.createDirectories(dir.resolve("someone"));
    List<String> cmd =
        Launcher.command(
            project.resolve(".coordd"),
            "init",
            "codex",
            "--agent",
            "reviewer",
            "--dir",
            project.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HOME", home.toString());
    pb.environment().remove("CODEX_HOME");

    Run r = Launcher.finish(launcher.start(pb));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(home.resolve(".codex/config.toml")).exists();
    JsonNode server =
        new TomlMapper()
            .readTree(Files.readString(home.resolve(".codex/config.toml")))
            .at("/mcp_servers/coordd");
    assertThat(server.get("command").asText()).isEqualTo("coordd");
    assertThat(server.get("default_tools_approval_mode").asText()).isEqualTo("approve");
    assertThat(server.get("args").toString())
        .contains("\"--agent\",\"reviewer\",\"--kind\",\"codex\"");
    assertThat(project.resolve(".codex/hooks.json")).exists();
  }
}
