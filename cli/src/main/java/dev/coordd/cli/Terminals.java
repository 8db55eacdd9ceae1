package dev.coordd.cli;

import java.io.Console;

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
}
