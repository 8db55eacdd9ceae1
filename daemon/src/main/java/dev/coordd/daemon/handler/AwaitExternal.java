package dev.coordd.daemon.handler;

/**
 * Thrown by a handler to park its task in {@code waiting} until something outside the queue
 * finishes it (an AI agent completing an invocation). The attempt stays open; the task ends when
 * that something reports, or fails at {@code untilMillis}.
 */
public final class AwaitExternal extends Exception {
  private final String waitingFor;
  private final long untilMillis;

  /**
   * @param waitingFor what the task waits for, as {@code kind:id} (e.g. {@code invocation:…})
   */
  public AwaitExternal(String waitingFor, long untilMillis) {
    super("waiting for " + waitingFor, null, false, false);
    this.waitingFor = waitingFor;
    this.untilMillis = untilMillis;
  }

  public String waitingFor() {
    return waitingFor;
  }

  public long untilMillis() {
    return untilMillis;
  }
}
