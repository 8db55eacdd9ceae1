package dev.coordd.cli;

import dev.coordd.cli.check.CheckCommand;
import dev.coordd.cli.hooks.HookCommand;
import dev.coordd.cli.tasks.TaskCommand;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Set;

/**
 * What agents run most, without picocli: {@code coordd check}, {@code hook session-start}, {@code
 * task claim} and {@code task complete}. Picocli builds its command model by reflection over
 * annotations (annotation proxies, and its Java 5 classes cannot be archived by CDS), the largest
 * part of a short command's start-up (bench/startup.md). Only the plain forms are taken here
 * ({@link PlainArgs}): {@code check} or {@code check list} with {@code --json} and {@code --home
 * DIR}; the others with their options, {@code task complete} with its ID first. Anything else
 * (help, a repeated or unknown option, a value that looks like an option) goes to picocli, which
 * prints its usual usage and errors. The output is the picocli command's own, from the same code;
 * FastPathTest holds the two side by side.
 */
final class FastPath {
  /** {@link #run}'s answer when picocli must handle the arguments. */
  static final int NOT_HANDLED = -1;

  private FastPath() {}

  /**
   * Runs one of the commands above when the arguments are one of their plain forms, then halts the
   * JVM with the command's status; false leaves the arguments to picocli. Halting after a flush
   * skips nothing these commands need (they register no shutdown hook), while {@link System#exit}
   * would first set up the JDK's System.Logger to log the exit, ~17 ms of a 200 ms command
   * (bench/startup.md).
   */
  static boolean handled(String[] args) {
    int code = run(args);
    if (code == NOT_HANDLED) {
      return false;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
    return true; // not reached
  }

  /** Runs the command on stdout and stderr, as picocli would write to them. */
  static int run(String[] args) {
    boolean hot =
        args.length > 0 && args[0].equals("check")
            || args.length > 1
                && (args[0].equals("hook") && args[1].equals("session-start")
                    || args[0].equals("task")
                        && (args[1].equals("claim") || args[1].equals("complete")));
    if (!hot) {
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
    if (args.length >= 2 && args[0].equals("hook") && args[1].equals("session-start")) {
      return HookCommand.sessionStart(args, 2, out, err); // a hook handles its own failures
    }
    try {
      if (args.length >= 2 && args[0].equals("task")) {
        return TaskCommand.plain(args, out);
      }
      return args.length > 0 && args[0].equals("check") ? check(args, out) : NOT_HANDLED;
    } catch (Exception e) {
      // the same words and exit code as Main's execution exception handler
      err.println("coordd: " + Main.message(e));
      err.flush();
      return Main.exitCode(e);
    }
  }

  private static int check(String[] args, PrintWriter out) {
    int from = args.length > 1 && args[1].equals("list") ? 2 : 1;
    PlainArgs options = PlainArgs.parse(args, from, Set.of("--json"), Set.of("--home"), Set.of());
    if (options == null || !PlainArgs.isPath(options.value("--home"))) {
      return NOT_HANDLED;
    }
    return CheckCommand.list(out, options.common().home(), options.flag("--json"));
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
