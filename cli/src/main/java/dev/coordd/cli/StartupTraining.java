package dev.coordd.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The training run behind the distribution's CDS archive, run once at build time by the launcher
 * ({@code COORDD_CDS_TRAINING=1 bin/coordd}, see {@code dist/pom.xml}). It starts a daemon in a
 * child process on a temporary home, then runs in this JVM what agents call most: check, hook
 * session-start, task create/list/claim/show, agents, stats; and finally {@code coordd mcp} on this
 * process's stdin (the build feeds it an MCP session). The JVM archives the classes these load;
 * later starts map them ready-parsed and verified. Not a command: nothing here runs at a user's
 * start-up.
 */
public final class StartupTraining {
  private StartupTraining() {}

  public static void main(String[] args) throws Exception {
    ClientLogs.install();
    Path dir = Files.createTempDirectory("coordd-training");
    Path home = dir.resolve("home");
    Process daemon = startDaemon(dir, home);
    try {
      awaitDaemon(home, daemon);
      String h = home.toString();
      run("--version");
      run("check", "--home", h);
      run("check", "--json", "--home", h);
      Start.class.getName(); // the launchers' main class, into the archive as well
      fast("check", "--home", h); // what `coordd check` runs: FastPath, not picocli
      fast("check", "--json", "--home", h);
      run("agent", "register", "trainer", "--kind", "claude_code", "--home", h);
      run(
          "task",
          "create",
          "review",
          "--assigned-to",
          "trainer",
          "--description",
          "t",
          "--home",
          h);
      run(
          "task",
          "create",
          "review",
          "--assigned-to",
          "trainer",
          "--data",
          "{\"a\":1}",
          "--json",
          "--home",
          h);
      run("task", "list", "--home", h);
      run("task", "list", "--json", "--home", h);
      run("task", "claim", "--agent", "trainer", "--type", "review", "--home", h);
      fast("task", "claim", "--agent", "trainer", "--type", "review", "--home", h);
      fast("task", "complete", "none", "--agent", "trainer", "--token", "t", "--home", h);
      run("agents", "--home", h);
      run("stats", "--home", h);
      String hook =
          "{\"session_id\":\"0123456789abcdef\",\"cwd\":\""
              + dir
              + "\",\"hook_event_name\":\"SessionStart\",\"source\":\"startup\"}";
      InputStream stdin = System.in;
      System.setIn(new ByteArrayInputStream(hook.getBytes(StandardCharsets.UTF_8)));
      run("hook", "session-start", "--home", h);
      System.setIn(new ByteArrayInputStream(hook.getBytes(StandardCharsets.UTF_8)));
      fast("hook", "session-start", "--home", h); // FastPath's way, as the launcher runs it
      System.setIn(stdin);
      run("mcp", "--home", h); // reads the MCP session the build pipes in, to its end
    } finally {
      daemon.destroy();
      daemon.waitFor(30, TimeUnit.SECONDS);
      deleteTree(dir);
    }
  }

  private static int run(String... args) {
    CommandLine cl = Main.commandLine(args[0].startsWith("-") ? null : args[0]);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    cl.setOut(new PrintWriter(sink, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(sink, true, StandardCharsets.UTF_8));
    return cl.execute(args);
  }

  private static int fast(String... args) {
    PrintWriter sink = new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return FastPath.run(args, sink, sink);
  }

  private static Process startDaemon(Path dir, Path home) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "daemon",
            "--no-console",
            "--home",
            home.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("daemon.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  private static void awaitDaemon(Path home, Process daemon) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!daemon.isAlive()) {
        throw new IllegalStateException("the training daemon exited: " + daemon.exitValue());
      }
      if (run("stats", "--home", home.toString()) == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the training daemon did not answer within 120 s");
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
