package dev.coordd.cli.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coordd schedule …} run in-process against a real daemon on a temp home. */
class ScheduleCommandTest {
  @TempDir Path dir;
  Daemon daemon;

  Path home() {
    return dir.resolve("home");
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

  Result run(String... args) {
    return CliRun.inHome(home(), args);
  }

  @Test
  void add_then_list_shows_the_schedule_with_its_next_run() throws Exception {
    startDaemon();
    Files.writeString(dir.resolve("data.json"), "{\"pr\":17}");
    Result added =
        run(
            "schedule",
            "add",
            "nightly",
            "--cron",
            "0 2 * * *",
            "review",
            "--zone",
            "Europe/Berlin",
            "--assigned-to",
            "alice",
            "--data",
            "@" + dir.resolve("data.json"),
            "--priority",
            "3",
            "--misfire",
            "run_once",
            "--timeout",
            "10m");
    assertThat(added.exit()).as(added.err()).isZero();
    assertThat(added.out()).startsWith("schedule nightly added; next run 20").contains("(in ");

    Result every =
        run(
            "schedule",
            "add",
            "tick",
            "--every",
            "5m",
            "review",
            "--assigned-to",
            "alice",
            "--description",
            "ping");
    assertThat(every.exit()).as(every.err()).isZero();

    Result list = run("schedule", "list");
    assertThat(list.exit()).as(list.err()).isZero();
    String[] lines = list.out().split("\n");
    assertThat(lines[0])
        .containsSubsequence("NAME", "WHEN", "ZONE", "TYPE", "NEXT RUN", "LAST", "STATE");
    assertThat(lines[1])
        .containsSubsequence(
            "nightly",
            "0 2 * * *",
            "Europe/Berlin",
            "review",
            "T02:00+0",
            "(in ",
            "never",
            "active");
    assertThat(lines[2])
        .containsSubsequence("tick", "every 5m", "UTC", "review", "Z (in ", "never", "active");
    assertThat(run("schedule").out()).isEqualTo(list.out()); // bare 'schedule' lists

    JsonNode json = run("schedule", "list", "--json").json();
    assertThat(json).hasSize(2);
    JsonNode nightly = json.get(0);
    assertThat(nightly.get("name").asText()).isEqualTo("nightly");
    assertThat(nightly.get("nextRunAt").asLong()).isGreaterThan(System.currentTimeMillis());
    assertThat(nightly.at("/task/type").asText()).isEqualTo("review");
    assertThat(nightly.at("/task/assignedTo").asText()).isEqualTo("alice");
    assertThat(nightly.at("/task/data/pr").asInt()).isEqualTo(17);
    assertThat(nightly.at("/task/priority").asInt()).isEqualTo(3);
    assertThat(nightly.at("/task/timeoutMs").asLong()).isEqualTo(600_000);
    assertThat(nightly.get("misfire").asText()).isEqualTo("run_once");
    assertThat(json.get(1).get("everyMs").asLong()).isEqualTo(300_000);
  }

  @Test
  void pause_resume_and_remove() {
    startDaemon();
    assertThat(
            run("schedule", "add", "tick", "--every", "1h", "review", "--assigned-to", "alice")
                .exit())
        .isZero();

    Result paused = run("schedule", "pause", "tick");
    assertThat(paused.exit()).as(paused.err()).isZero();
    assertThat(paused.out()).contains("schedule tick paused; paused");
    assertThat(run("schedule", "list").out()).contains("paused").doesNotContain("active");

    Result resumed = run("schedule", "resume", "tick", "--json");
    assertThat(resumed.exit()).isZero();
    assertThat(resumed.json().get("paused").asBoolean()).isFalse();
    assertThat(run("schedule", "list").out()).contains("active");

    Result removed = run("schedule", "remove", "tick");
    assertThat(removed.exit()).isZero();
    assertThat(removed.out()).contains("schedule tick removed");
    assertThat(run("schedule", "list").out()).startsWith("no schedules");
    assertThat(run("schedule", "list", "--json").json()).isEmpty();

    Result again = run("schedule", "remove", "tick");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("no schedule named 'tick'");
    assertThat(run("schedule", "pause", "nope").exit()).isEqualTo(1);
  }

  @Test
  void bad_input_exits_2_and_a_taken_name_exits_1() {
    startDaemon();
    Result both = run("schedule", "add", "x", "--cron", "@daily", "--every", "1h", "review");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
    Result neither = run("schedule", "add", "x", "review");
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("Missing required");
    Result cron =
        run("schedule", "add", "x", "--cron", "61 * * * *", "review", "--assigned-to", "alice");
    assertThat(cron.exit()).isEqualTo(2);
    assertThat(cron.err()).contains("minute field '61': allowed 0-59");
    Result zone =
        run("schedule", "add", "x", "--cron", "@daily", "--zone", "Mars/Olympus", "review");
    assertThat(zone.exit()).isEqualTo(2);
    assertThat(zone.err()).contains("'Mars/Olympus' is not a known time zone");
    Result every = run("schedule", "add", "x", "--every", "soon", "review");
    assertThat(every.exit()).isEqualTo(2);
    assertThat(every.err()).contains("--every");
    Result misfire = run("schedule", "add", "x", "--every", "1m", "review", "--misfire", "twice");
    assertThat(misfire.exit()).isEqualTo(2);
    assertThat(misfire.err()).contains("use skip");

    assertThat(
            run("schedule", "add", "x", "--every", "1m", "review", "--assigned-to", "alice").exit())
        .isZero();
    Result taken = run("schedule", "add", "x", "--every", "1m", "review", "--assigned-to", "a");
    assertThat(taken.exit()).isEqualTo(1);
    assertThat(taken.err()).contains("a schedule named 'x' already exists");
  }

  @Test
  void without_a_daemon_it_exits_3() {
    Result r = run("schedule", "list");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("coordd daemon --home");
    assertThat(run("schedule", "add", "x", "--every", "1m", "review").exit()).isEqualTo(3);
  }

  @Test
  void help_names_the_subcommands() {
    Result top = run("--help");
    assertThat(top.out()).contains("schedule");
    Result help = run("schedule", "--help");
    assertThat(help.out()).contains("add", "list", "remove", "pause", "resume");
    Result add = run("schedule", "add", "--help");
    assertThat(add.out()).contains("--cron=EXPR", "--every=DUR", "--misfire", "--zone");
  }
}
