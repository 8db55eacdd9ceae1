package dev.coordd.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.cli.Launcher;
import dev.coordd.cli.Launcher.Run;
import dev.coordd.cli.RunningDaemon;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordd doctor} as a user runs it ({@code bin/coordd} processes) on a daemon that runs, is
 * suspended, and is killed: each state is told apart, and the fix it prints for the dead daemon
 * works.
 */
class DoctorIT {
  @TempDir Path dir;
  final Launcher launcher = new Launcher();

  Path home() {
    return dir.resolve("home");
  }

  @AfterEach
  void cleanUp() throws Exception {
    RunningDaemon.of(home())
        .ifPresent(
            d -> {
              signal("CONT", d.pid());
              d.process().destroyForcibly();
            });
    launcher.close();
  }

  static void signal(String name, long pid) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(pid))
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_running_a_suspended_and_a_killed_daemon_are_told_apart_and_the_fix_works()
      throws Exception {
    assertThat(launcher.run(home(), "daemon", "--detach").exit()).isZero();
    long pid = RunningDaemon.of(home()).orElseThrow().pid();

    Run healthy = launcher.run(home(), "doctor");
    assertThat(healthy.exit()).as(healthy.out() + healthy.err()).isZero();
    assertThat(healthy.out()).contains("a daemon answers on", "all is well");

    signal("STOP", pid);
    Run suspended = launcher.run(home(), "doctor");
    signal("CONT", pid);
    assertThat(suspended.exit()).isEqualTo(1);
    assertThat(suspended.out())
        .contains("the daemon runs (pid " + pid + ", suspended) but does not answer")
        .contains(
            "fix: it was stopped by a signal (Ctrl-Z, SIGSTOP): resume it with kill -CONT " + pid);

    signal("KILL", pid);
    RunningDaemon.of(home()).ifPresent(d -> d.process().onExit().join());
    Run dead = launcher.run(home(), "doctor");
    assertThat(dead.exit()).isEqualTo(1);
    assertThat(dead.out())
        .contains("FAIL  daemon    stale socket " + home().resolve("coordd.sock"))
        .contains("FAIL  daemon    stale pid file " + home().resolve("coordd.pid"))
        .contains("then start it again (coordd daemon --detach --home " + home() + ")");

    // The fix as printed: start it again, and the doctor is content.
    assertThat(launcher.run(home(), "daemon", "--detach").exit()).isZero();
    Run after = launcher.run(home(), "doctor");
    assertThat(after.exit()).as(after.out()).isZero();
    assertThat(launcher.run(home(), "stop").exit()).isZero();
  }
}
