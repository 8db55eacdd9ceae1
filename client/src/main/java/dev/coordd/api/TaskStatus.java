package dev.coordd.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a task is in its life. {@code waiting} means blocked on something outside the queue. */
public enum TaskStatus {
  QUEUED,
  RUNNING,
  WAITING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  @JsonCreator
  public static TaskStatus parse(String text) {
    for (TaskStatus s : values()) {
      if (s.wire().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return s;
      }
    }
    throw new InvalidRequestException(
        "status", "unknown status '" + text + "'; allowed: " + allowed());
  }

  public static String allowed() {
    return Arrays.stream(values()).map(TaskStatus::wire).collect(Collectors.joining(", "));
  }
}
