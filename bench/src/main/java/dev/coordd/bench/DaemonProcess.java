package dev.coordd.bench;

import dev.coordd.bench.daemon.BenchDaemon;
import dev.coordd.client.CoorddClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real coordd daemon process ({@link BenchDaemon}) on a home of its own, started from the class
 * path this JVM runs on with the JVM options {@code bin/coordd} gives {@code coordd daemon}. Its
 * output goes to {@code <home>/daemon.log}.
 */
public final class DaemonProcess implements AutoCloseable {
  /**
   * As bin/coordd starts {@code coordd daemon} (its daemon branch; the distribution's launcher
   * gives the same): {@code LauncherJvmOptionsTest} fails when they differ.
   */
  static final List<String> JVM_OPTIONS =
      List.of(
          "-Xlog:disable",
          "-Xlog:all=warning:stderr",
          "--enable-native-access=ALL-UNNAMED",
          "-XX:+UseSerialGC",
          "-Xms32m");

  private static final Duration START_LIMIT = Duration.ofSeconds(120);

  /** Daemons still running; a benchmark stopped by a signal must not leave them behind. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "bench-daemons-cleanup"));
  }

  private final Process process;
  private final Path home;

  private DaemonProcess(Process process, Path home) {
    this.process = process;
    this.home = home;
  }

  /** Starts it and returns once its handlers are in and its socket answers. */
  public static DaemonProcess start(
      Path home, int generation, Map<String, String> settings, List<String> extraJvmOptions)
      throws IOException {
    Files.createDirectories(home);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.addAll(extraJvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BenchDaemon.class.getName());
    cmd.add(home.toString());
    cmd.add(Integer.toString(generation));
    settings.forEach((k, v) -> cmd.add(k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("COORDD_"));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("daemon.log").toFile()));
    Process p = pb.start();
    LIVE.add(p);
    p.onExit().thenRun(() -> LIVE.remove(p));
    DaemonProcess d = new DaemonProcess(p, home);
    try {
      d.awaitReady();
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
    return d;
  }

  private void awaitReady() throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              // A JVM option may print first (a profiler's or JFR's start-up line): skip to ours.
              try {
                String l;
                while ((l = out.readLine()) != null && !"ready".equals(l)) {}
                return l;
              } catch (IOException e) {
                return null;
              }
            });
    String first;
    try {
      first = line.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException("the daemon did not start within " + START_LIMIT + "; " + logTail());
    } catch (Exception e) {
      throw new IOException("waiting for the daemon: " + e, e);
    }
    if (!"ready".equals(first)) {
      throw new IOException("the daemon exited while starting; " + logTail());
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(home.resolve("daemon.log"));
      return "the end of "
          + home.resolve("daemon.log")
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "no log at " + home.resolve("daemon.log");
    }
  }

  public CoorddClient connect() {
    return CoorddClient.connect(home, Duration.ofMinutes(5));
  }

  public Path home() {
    return home;
  }

  public long pid() {
    return process.pid();
  }

  /** Resident set size from /proc, in bytes. */
  public long rssBytes() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid() + "/status");
  }

  /** SIGKILL: no shutdown hook, no graceful stop. Returns once the process is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM: the daemon's graceful stop
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
