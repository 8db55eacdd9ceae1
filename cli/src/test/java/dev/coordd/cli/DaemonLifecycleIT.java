package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.Launcher.Run;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code daemon --detach}, {@code status} and {@code stop} as a user runs them, real processes. */
class DaemonLifecycleIT {
  @TempDir Path dir;
  final Launcher launcher = new Launcher();

  Path home() {
    return dir.resolve("home");
  }

  @AfterEach
  void cleanUp() throws Exception {
    RunningDaemon.of(home()).ifPresent(d -> d.process().destroyForcibly());
    launcher.close();
  }

  @Test
  void detach_starts_it_in_the_background_status_reports_it_and_stop_stops_it() throws Exception {
    Run started = launcher.run(home(), "daemon", "--detach", "--name", "bg");
    assertThat(started.exit()).as(started.err()).isZero();
    assertThat(started.out()).contains("coordd started in the background: pid", "coordd stop");
    long pid = RunningDaemon.of(home()).orElseThrow().pid();
    assertThat(started.out()).contains("pid " + pid);

    // It answers at once: the detach waited for the socket.
    Run created = launcher.run(home(), "task", "create", "later", "--assigned-to", "nobody");
    assertThat(created.exit()).as(created.err()).isZero();

    Run status = launcher.run(home(), "status", "--json");
    assertThat(status.exit()).as(status.err()).isZero();
    JsonNode s = Json.read(status.out());
    assertThat(s.get("running").asBoolean()).isTrue();
    assertThat(s.get("answering").asBoolean()).isTrue();
    assertThat(s.get("pid").asLong()).isEqualTo(pid);
    assertThat(s.get("store").asText()).isEqualTo("sqlite " + home().resolve("coordd.db"));
    assertThat(s.get("tasks").get("queuedTasks").asInt()).isEqualTo(1);

    Run again = launcher.run(home(), "daemon", "--detach");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already running (pid " + pid + ")", "coordd stop");

    Run stop = launcher.run(home(), "stop");
    assertThat(stop.exit()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("Stopped coordd (pid " + pid + ")");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .isIn(Optional.empty(), Optional.of(false));

    Run down = launcher.run(home(), "status");
    assertThat(down.exit()).isEqualTo(3);
    assertThat(down.out()).contains("not running", "coordd daemon --detach");
    Run stopAgain = launcher.run(home(), "stop");
    assertThat(stopAgain.exit()).isZero();
    assertThat(stopAgain.out()).contains("nothing to stop");
  }

  @Test
  void a_daemon_that_cannot_start_is_reported_with_its_own_words() throws Exception {
    Run r = launcher.run(home(), "daemon", "--detach", "--set", "concurrency=0");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("did not start", "concurrency", "daemon.out");
    assertThat(RunningDaemon.of(home())).isEmpty();
  }

  @Test
  void status_of_a_daemon_that_does_not_answer_says_so_within_its_timeout() throws Exception {
    assertThat(launcher.run(home(), "daemon", "--detach").exit()).isZero();
    long pid = RunningDaemon.of(home()).orElseThrow().pid();
    Process stopSignal = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
    assertThat(stopSignal.waitFor(10, TimeUnit.SECONDS)).isTrue();
    try {
      Run r = launcher.run(home(), "status", "--timeout", "1s");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.out())
          .contains("does not answer", "did not answer stats within 1.0 s", "coordd stop");
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(launcher.run(home(), "stop", "--timeout", "20s").exit()).isZero();
  }

  @Test
  void a_background_job_in_an_interactive_shell_runs_without_a_console() throws Exception {
    Path script = Path.of("/usr/bin/script");
    if (!Files.isExecutable(script)) {
      System.err.println("no `script` (util-linux): terminal job control not exercised");
      return;
    }
    // A real terminal (a pty from `script`) and a shell with job control (set -m): the daemon
    // goes to the background as `coordd daemon &`, in a process group the terminal does not have
    // in its foreground; it must run on, not be stopped by the terminal.
    String bin = Launcher.BIN.toString();
    String home = "'" + home() + "'";
    Path job = dir.resolve("job.sh");
    Files.writeString(
        job,
        String.join(
            "\n",
            "set -m",
            bin + " daemon --home " + home + " &",
            // until it has a pid (status exit 3 before): a stopped daemon then answers nothing
            "for i in $(seq 1 300); do",
            "  " + bin + " status --timeout 2s --home " + home + " >/dev/null 2>&1",
            "  [ $? -ne 3 ] && break; sleep 0.2",
            "done",
            "jobs -l",
            bin + " status --timeout 2s --home " + home,
            "rc=$?",
            "echo status-exit=$rc",
            // a daemon the terminal stopped would hold the pty open and hang the test: end it
            "[ $rc -eq 0 ] || kill -KILL %1",
            ""));
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qec", "bash " + job, "/dev/null");
    Run r = Launcher.finish(launcher.start(pb));
    assertThat(r.out()).contains("status-exit=0").doesNotContain("Stopped");
  }
}
