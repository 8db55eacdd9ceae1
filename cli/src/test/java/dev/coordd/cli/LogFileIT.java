package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's log file as a real process writes it: JSON lines, levels from the config. */
class LogFileIT {
  @TempDir Path dir;
  final Launcher launcher = new Launcher();

  @AfterEach
  void stop() throws Exception {
    launcher.close();
  }

  @Test
  void the_log_file_is_json_lines_at_the_configured_levels() throws Exception {
    Path home = dir.resolve("home");
    Process daemon =
        launcher.start(
            home,
            "daemon",
            "--no-console",
            "--set",
            "logging.levels={\"root\":\"warn\",\"dev.coordd.daemon.Daemon\":\"info\"}");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (RunningDaemon.of(home).isEmpty() && System.nanoTime() < until) {
      assertThat(daemon.isAlive()).as("the daemon started").isTrue();
      Thread.sleep(100);
    }
    assertThat(launcher.run(home, "status").exit()).isZero();
    daemon.destroy();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();

    List<String> lines = Files.readAllLines(home.resolve("logs/coordd.log"));
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      JsonNode json = Json.read(line);
      assertThat(json.has("time") && json.has("level") && json.has("logger")).as(line).isTrue();
      if (json.get("level").asText().equals("INFO")) {
        assertThat(json.get("logger").asText()).as(line).isEqualTo("dev.coordd.daemon.Daemon");
      }
    }
    assertThat(lines).anyMatch(l -> l.contains("stopping"));
  }

  @Test
  void a_bad_level_is_refused_naming_the_setting() throws Exception {
    Launcher.Run r =
        launcher.run(
            dir.resolve("home"),
            "daemon",
            "--no-console",
            "--set",
            "logging.levels={\"dev.coordd\":\"loud\"}");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("logging.levels", "trace, debug, info, warn, error, off");
  }
}
