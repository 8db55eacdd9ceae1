package dev.coordd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A task type handled by running a program: the argv (never a shell string) gets the task as JSON
 * on stdin and prints the result as JSON on stdout.
 *
 * @param command the argv; the first element is the program
 * @param workingDirectory where it runs, or null for the daemon's folder
 * @param timeout wall-clock limit per attempt, or null for the task's or daemon's default
 * @param schema an optional JSON Schema the task's data must satisfy at creation
 * @param maxOutputBytes cap on stdout and on kept stderr
 */
public record CommandHandlerConfig(
    List<String> command,
    Path workingDirectory,
    Duration timeout,
    JsonNode schema,
    int maxOutputBytes) {

  public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

  public CommandHandlerConfig {
    command = List.copyOf(command);
    schema = schema == null || schema.isNull() ? null : schema; // absent and null: no schema
  }
}
