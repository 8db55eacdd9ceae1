package dev.coordd.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The daemon process of a home, found through its pid file without touching its lock (taking the
 * lock, even for a moment, could make a daemon starting at that instant fail as "already running").
 * A pid file left by a killed daemon whose pid now belongs to another program is not taken for a
 * daemon: the process must be alive and be coordd.
 */
public record RunningDaemon(long pid, ProcessHandle process) {

  public static Optional<RunningDaemon> of(Path home) {
    Path pidFile = home.resolve("coordd.pid");
    String text;
    try {
      text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + pidFile + ": " + e.getMessage(), e);
    }
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(RunningDaemon::isCoordd)
        .map(p -> new RunningDaemon(pid, p));
  }

  private static boolean isCoordd(ProcessHandle p) {
    // /proc/PID/cmdline on Linux: the java command line names the main class or the jar.
    return p.info().commandLine().map(c -> c.contains("coordd")).orElse(true);
  }

  /** How long it has run, when the system tells. */
  public Optional<java.time.Duration> uptime() {
    return process
        .info()
        .startInstant()
        .map(start -> java.time.Duration.between(start, java.time.Instant.now()));
  }
}
