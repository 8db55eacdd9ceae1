package dev.coordd.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a person is at the keyboard. */
public final class Terminals {
  private Terminals() {}

  /**
   * On Java 21 a console exists only for a terminal; from Java 22 one always exists and {@code
   * isTerminal()} tells, so ask it when it is there (we compile for 21).
   */
  public static boolean stdinIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /**
   * Whether this process is in the terminal's foreground process group: a background job ({@code
   * coordd daemon &}) that sets up a console is stopped by the terminal. Linux tells in
   * /proc/self/stat (pgrp and tpgid); elsewhere {@code ps} marks the foreground with a '+'.
   */
  public static boolean inForeground() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return f[2].equals(f[5]); // pgrp == tpgid
    } catch (IOException | RuntimeException e) {
      try {
        Process ps =
            new ProcessBuilder(
                    "ps", "-o", "stat=", "-p", Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true)
                .start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return ps.waitFor() != 0 || out.contains("+");
      } catch (IOException ex) {
        return true; // cannot tell: behave as before
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return true;
      }
    }
  }
}
