package dev.coordd.cli.doctor;

import dev.coordd.api.Stats;
import dev.coordd.cli.RunningDaemon;
import dev.coordd.client.CoorddClient;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.config.Durations;
import dev.coordd.internal.Owners;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The socket and the pid file against the process: a daemon that answers, none at all, or what a
 * daemon that died left behind (a socket nobody listens on, a pid file naming a process that is
 * gone). The socket is asked first: a daemon that answers is running, whatever the pid file says.
 */
final class DaemonCheck {
  static final String AREA = "daemon";

  /** How long the daemon may take to answer before it counts as hung. */
  private static final Duration ANSWER = Duration.ofSeconds(3);

  private DaemonCheck() {}

  static List<Finding> check(Checkup c) throws IOException {
    Path home = c.home();
    Path socket = SocketPaths.forHome(home);
    Path pidFile = home.resolve("coordd.pid");
    Optional<String> pid = pidText(pidFile);
    Optional<RunningDaemon> process = RunningDaemon.of(home);
    String start = "coordd daemon --detach --home " + home;
    String restart = "coordd stop --home " + home + " && " + start;
    String log = home.resolve("logs").resolve("coordd.log").toString();
    Optional<BasicFileAttributes> spot = attributes(socket);
    if (spot.isPresent()
        && !(spot.get().isOther() && Owners.uidOf(socket) == Owners.currentUid())) {
      return List.of(
          Finding.fail(
              AREA,
              "something other than a socket of yours is at the socket's place " + socket,
              "look at it and move it away (rm " + socket + "); the daemon does not remove it"));
    }
    if (spot.isPresent()) {
      try {
        Stats stats = ask(home);
        String running =
            "a daemon answers on "
                + socket
                + pid.map(p -> " (pid " + p + ", up ").orElse(" (up ")
                + Durations.format(Duration.ofSeconds(stats.daemon().uptime()))
                + ")";
        if (pid.isEmpty()) {
          return List.of(
              Finding.warn(
                  AREA,
                  running + " but its pid file " + pidFile + " is missing",
                  "restart it so `coordd stop` and `coordd status` find it: " + restart));
        }
        return List.of(Finding.ok(AREA, running));
      } catch (RuntimeException e) {
        if (process.isPresent()) {
          long p = process.get().pid();
          boolean suspended = suspended(p);
          return List.of(
              Finding.fail(
                  AREA,
                  "the daemon runs (pid "
                      + p
                      + (suspended ? ", suspended" : "")
                      + ") but does not answer on "
                      + socket
                      + ": "
                      + e.getMessage(),
                  suspended
                      ? "it was stopped by a signal (Ctrl-Z, SIGSTOP): resume it with kill -CONT "
                          + p
                          + " (or fg in the shell that started it)"
                      : "read the end of " + log + ", then restart it: " + restart));
        }
        List<Finding> out = new ArrayList<>();
        out.add(
            Finding.fail(
                AREA,
                "stale socket "
                    + socket
                    + ": no daemon listens on it (a daemon died without stopping)",
                "read the end of "
                    + log
                    + " for why it died, then start it again ("
                    + start
                    + "); it replaces the stale socket (or remove it: rm "
                    + socket
                    + ")"));
        pid.ifPresent(p -> out.add(stalePid(pidFile, p, log, start)));
        return out;
      }
    }
    if (process.isPresent()) {
      return List.of(
          Finding.fail(
              AREA,
              "the daemon runs (pid " + process.get().pid() + ") but has no socket at " + socket,
              "read the end of " + log + ", then restart it: " + restart));
    }
    if (pid.isPresent()) {
      return List.of(stalePid(pidFile, pid.get(), log, start));
    }
    return List.of(Finding.ok(AREA, "no daemon runs on this home (start one: " + start + ")"));
  }

  private static Finding stalePid(Path pidFile, String pid, String log, String start) {
    return Finding.fail(
        AREA,
        "stale pid file "
            + pidFile
            + ": pid "
            + pid
            + " is not a running coordd (a daemon died without stopping)",
        "read the end of "
            + log
            + " for why it died, then start it again ("
            + start
            + "); it replaces the pid file (or remove it: rm "
            + pidFile
            + ")");
  }

  /** Whether Linux says the process is stopped ({@code T} in /proc/PID/stat); false elsewhere. */
  static boolean suspended(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "PID (command) STATE …": the command may hold spaces and parentheses, so after the last ')'
      String rest = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return rest.startsWith("T") || rest.startsWith("t");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static Stats ask(Path home) {
    try (CoorddClient client = CoorddClient.connect(home, ANSWER)) {
      return client.stats();
    }
  }

  private static Optional<String> pidText(Path pidFile) throws IOException {
    try {
      String text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
      return Optional.of(text.isEmpty() ? "(empty)" : text);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static Optional<BasicFileAttributes> attributes(Path p) throws IOException {
    try {
      return Optional.of(
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
