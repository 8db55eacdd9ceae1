package dev.coordd.api;

/**
 * Filters for listing tasks; null means "any". Newest first, at most {@code limit}; with {@code
 * before} (a task id), only tasks older than it: ids are time-ordered, so passing the last id of
 * one page as {@code before} gives the next page at any depth, and tasks created meanwhile do not
 * shift it.
 */
public record TaskQuery(
    TaskStatus status, String type, String assignedTo, Integer limit, String before) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 10_000;

  /** Longer than any id we make; a longer {@code before} is not one of ours. */
  static final int MAX_BEFORE = 64;

  /** From the newest. */
  public TaskQuery(TaskStatus status, String type, String assignedTo, Integer limit) {
    this(status, type, assignedTo, limit, null);
  }

  public static TaskQuery all() {
    return new TaskQuery(null, null, null, null, null);
  }

  /** The same filters, for the tasks older than task {@code id}. */
  public TaskQuery before(String id) {
    return new TaskQuery(status, type, assignedTo, limit, id);
  }

  public int effectiveLimit() {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidRequestException(
          "limit", "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    return limit;
  }

  /** {@code before}, checked: null (from the newest) or a task id. */
  public String effectiveBefore() {
    if (before != null && (before.isBlank() || before.length() > MAX_BEFORE)) {
      throw new InvalidRequestException(
          "before",
          "before must be the id of a task (the last one of the previous page), or left out to"
              + " start from the newest");
    }
    return before;
  }
}
