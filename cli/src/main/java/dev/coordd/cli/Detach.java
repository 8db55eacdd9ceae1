package dev.coordd.cli;

import dev.coordd.api.CoorddException;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.fs.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code coordd daemon --detach}: starts the same daemon command in the background (its own
 * session, no terminal, output appended to {@code logs/daemon.out}), then waits until the socket
 * answers, so a script that goes on after it can use the daemon at once.
 */
final class Detach {
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private Detach() {}

  /**
   * @param daemonArgs the arguments after {@code daemon}, without {@code --detach}
   */
  static int start(
      Path home, List<String> daemonArgs, Duration wait, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException {
    var running = RunningDaemon.of(home);
    if (running.isPresent()) {
      err.println(
          "coordd: already running (pid "
              + running.get().pid()
              + ") on "
              + home
              + "; stop it first (coordd stop) or use another --home");
      return Cli.EXIT_FAILED;
    }
    PrivateFiles.ensureDirectory(home);
    Path logs = home.resolve("logs");
    PrivateFiles.ensureDirectory(logs);
    Path output = logs.resolve("daemon.out");
    PrivateFiles.ensureFile(output);
    long offset = Files.size(output);

    ProcessBuilder pb = new ProcessBuilder(command(home, daemonArgs));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.redirectErrorStream(true);
    Process child = pb.start();

    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        err.println(
            "coordd: the daemon did not start (exit " + child.exitValue() + "); its output:");
        err.print(tail(output, offset));
        err.println("(from " + output + ")");
        return Cli.EXIT_FAILED;
      }
      if (answers(home)) {
        long pid = RunningDaemon.of(home).map(RunningDaemon::pid).orElse(child.pid());
        out.println(
            "coordd started in the background: pid "
                + pid
                + ", home "
                + home
                + ", log "
                + logs.resolve("coordd.log")
                + " (stop it: coordd stop)");
        out.flush();
        return Cli.EXIT_OK;
      }
      Thread.sleep(50);
    }
    err.println(
        "coordd: the daemon (pid "
            + child.pid()
            + ") did not answer within "
            + wait.toSeconds()
            + "s; it may still be starting. Check `coordd status` and "
            + output);
    err.print(tail(output, offset));
    return Cli.EXIT_FAILED;
  }

  private static boolean answers(Path home) {
    try (CoorddClient client = CoorddClient.connect(home)) {
      client.stats();
      return true;
    } catch (CoorddException e) {
      return false;
    }
  }

  /**
   * The daemon's own options from the command line as given, without what the child gets anyway:
   * {@code --detach}, {@code --home} (given again, absolute) and {@code --no-console}.
   */
  static List<String> childArgs(List<String> original) {
    List<String> args = new ArrayList<>(original);
    int daemon = args.indexOf("daemon");
    if (daemon >= 0) {
      args.subList(0, daemon + 1).clear(); // the root command's part
    }
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--home")) {
        i++; // and its value
      } else if (!a.startsWith("--home=") && !a.equals("--detach") && !a.equals("--no-console")) {
        kept.add(a);
      }
    }
    return kept;
  }

  /** The same java, JVM options and class path as this process, running {@code daemon}. */
  private static List<String> command(Path home, List<String> daemonArgs) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      cmd.add(SETSID.toString()); // a session of its own: closing the terminal does not stop it
    }
    cmd.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("daemon");
    cmd.addAll(daemonArgs);
    cmd.add("--home");
    cmd.add(home.toString()); // absolute, and given last, so it wins
    cmd.add("--no-console");
    return cmd;
  }

  /** What the child wrote, at most the last 4 KiB of it. */
  private static String tail(Path output, long from) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "r")) {
      long start = Math.max(from, f.length() - 4096);
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    }
  }
}
