package dev.coordd.daemon.handler;

/**
 * A handler's way of failing an attempt with a named kind. A {@linkplain #permanent() permanent}
 * failure ends the task at once: retrying cannot help (a path outside the sandbox, a missing file).
 */
public class TaskFailure extends Exception {
  private final String kind;
  private final boolean permanent;

  public TaskFailure(String kind, String message, boolean permanent) {
    super(message);
    this.kind = kind;
    this.permanent = permanent;
  }

  public static TaskFailure permanent(String kind, String message) {
    return new TaskFailure(kind, message, true);
  }

  public static TaskFailure retryable(String kind, String message) {
    return new TaskFailure(kind, message, false);
  }

  public String kind() {
    return kind;
  }

  public boolean permanent() {
    return permanent;
  }
}
