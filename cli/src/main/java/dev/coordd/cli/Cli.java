package dev.coordd.cli;

import dev.coordd.api.Task;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** Exit codes and small output habits shared by the commands. */
public final class Cli {
  public static final int EXIT_OK = 0;

  /** The operation failed, or the task did. */
  public static final int EXIT_FAILED = 1;

  /** Bad usage: unknown option, bad value, invalid request. */
  public static final int EXIT_USAGE = 2;

  /** No daemon runs on the home. */
  public static final int EXIT_NO_DAEMON = 3;

  /** "No limit" for waits, as a duration picocli can parse. */
  public static final String FOREVER = "3650d";

  private Cli() {}

  /** After a change: the id and new status for people, the whole task for scripts. */
  public static void printTaskChange(CommandSpec spec, Common common, Task task) {
    printTaskChange(spec.commandLine().getOut(), common, task);
  }

  /** The same on {@code out} (FastPath runs some commands without picocli). */
  public static void printTaskChange(PrintWriter out, Common common, Task task) {
    if (common.json) {
      Output.json(out, task);
    } else {
      out.println(task.id() + " " + task.status().wire());
    }
  }
}
