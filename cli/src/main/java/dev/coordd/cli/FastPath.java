package dev.coordd.cli;

import dev.coordd.cli.check.CheckCommand;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code coordd check} without picocli. Agents run it at every session start; picocli builds its
 * command model by reflection over annotations (annotation proxies, and its Java 5 classes cannot
 * be archived by CDS), which was the largest part of the command's start-up (bench/startup.md).
 * Only the plain forms are taken here: {@code check} or {@code check list}, then {@code --json} and
 * {@code --home DIR} (or {@code --home=DIR}), each at most once. Anything else (help, a repeated or
 * unknown option, a value that looks like an option) goes to picocli, which prints its usual usage
 * and errors. The output is the picocli command's own: both call {@link
 * CheckCommand#list(PrintWriter, Path, boolean)}; FastPathTest holds the two side by side.
 */
final class FastPath {
  /** {@link #run}'s answer when picocli must handle the arguments. */
  static final int NOT_HANDLED = -1;

  private FastPath() {}

  /**
   * Runs {@code check} when the arguments are one of its plain forms: false leaves them to picocli.
   * True means done with status 0, and the caller returns from {@code main}: the JVM then ends with
   * status 0 (check starts no thread), where {@link System#exit} would first set up the JDK's
   * System.Logger to log the exit, ~17 ms of a 200 ms command (bench/startup.md). Another status
   * ends the JVM here.
   */
  static boolean handled(String[] args) {
    int code = run(args);
    if (code == NOT_HANDLED) {
      return false;
    }
    if (code != 0) {
      System.exit(code);
    }
    return true;
  }

  /** Runs the command on stdout and stderr, as picocli would write to them. */
  static int run(String[] args) {
    if (args.length == 0 || !args[0].equals("check")) {
      return NOT_HANDLED; // before any writer is made: the usual case costs nothing
    }
    ClientLogs.install(); // as Main does for every client command
    return run(
        args,
        writer(System.out, System.getProperty("sun.stdout.encoding")),
        writer(System.err, System.getProperty("sun.stderr.encoding")));
  }

  /** The exit code, or {@link #NOT_HANDLED} with nothing written. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length == 0 || !args[0].equals("check")) {
      return NOT_HANDLED;
    }
    int i = 1;
    if (i < args.length && args[i].equals("list")) {
      i++;
    }
    String home = null;
    boolean json = false;
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--json") && !json) {
        json = true;
      } else if (a.equals("--home") && home == null && i + 1 < args.length && plain(args[i + 1])) {
        home = args[++i];
      } else if (a.startsWith("--home=") && home == null && plain(a.substring(7))) {
        home = a.substring(7);
      } else {
        return NOT_HANDLED;
      }
    }
    Path homePath;
    try {
      homePath = home == null ? null : Path.of(home);
    } catch (InvalidPathException e) {
      return NOT_HANDLED; // picocli words the conversion error
    }
    try {
      return CheckCommand.list(out, Homes.resolve(homePath), json);
    } catch (Exception e) {
      // the same words and exit code as Main's execution exception handler
      err.println("coordd: " + Main.message(e));
      err.flush();
      return Main.exitCode(e);
    }
  }

  /** A value picocli would take as it is (one starting with '-' may be read as an option). */
  private static boolean plain(String value) {
    return !value.isEmpty() && !value.startsWith("-");
  }

  /** The writer picocli makes for a stream: its encoding property, else the default charset. */
  private static PrintWriter writer(OutputStream stream, String encoding) {
    Charset charset;
    try {
      charset =
          encoding == null
              ? Charset.defaultCharset()
              : Charset.forName(encoding.equalsIgnoreCase("cp65001") ? "UTF-8" : encoding);
    } catch (RuntimeException e) {
      charset = Charset.defaultCharset();
    }
    return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), true);
  }
}
