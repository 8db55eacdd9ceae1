package dev.coordd.bench;

import java.io.PrintStream;

/** One line on stderr that says what runs now, rewritten in place on a terminal. */
public final class Progress {
  private final PrintStream err;
  private final boolean terminal = System.console() != null;
  private final long start;
  private int width;

  public Progress(PrintStream err, long startNanos) {
    this.err = err;
    this.start = startNanos;
  }

  public synchronized void show(String what) {
    String line = String.format("[%5.0fs] %s", (System.nanoTime() - start) / 1e9, what);
    if (terminal) {
      err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
      width = line.length();
    } else {
      err.println(line);
    }
    err.flush();
  }

  public synchronized void done() {
    if (terminal && width > 0) {
      err.println();
    }
    width = 0;
  }
}
