package dev.coordd.api;

/** Filters for listing tasks; null means "any". Newest first, at most {@code limit}. */
public record TaskQuery(TaskStatus status, String type, String assignedTo, Integer limit) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 10_000;

  public static TaskQuery all() {
    return new TaskQuery(null, null, null, null);
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
}
