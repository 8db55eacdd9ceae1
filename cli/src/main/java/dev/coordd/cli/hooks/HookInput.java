package dev.coordd.cli.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.Terminals;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fields of the hook input coordd uses; all optional, unknown ones ignored. Claude Code, Codex
 * and Gemini CLI send the same envelope on stdin: {@code {"session_id", "transcript_path" (Codex:
 * may be null), "cwd", "hook_event_name", "source": "startup|resume|clear|compact"}}, plus their
 * own fields (Codex: model, permission_mode, active_profile; Gemini CLI: timestamp; at SessionEnd:
 * reason).
 */
record HookInput(String sessionId, String transcriptPath, String cwd, String source) {
  static final HookInput NONE = new HookInput(null, null, null, null);

  /**
   * The raw input from {@code source} ("-" for stdin), waiting at most {@code timeout}.
   *
   * @throws IllegalArgumentException saying what went wrong, when it cannot be read
   */
  static String read(String source, Duration timeout) {
    try {
      if (!source.equals("-")) {
        return Files.readString(Path.of(source), StandardCharsets.UTF_8);
      }
      if (Terminals.stdinIsTerminal()) {
        return ""; // someone typed the command: do not wait for input that never comes
      }
      // Bounded: a caller that never closes stdin must not hang the session's start.
      FutureTask<byte[]> read = new FutureTask<>(System.in::readAllBytes);
      Thread.ofPlatform().daemon(true).name("coordd-hook-stdin").start(read);
      return new String(
          read.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
    } catch (TimeoutException e) {
      throw new IllegalArgumentException(
          "the hook input did not end within " + timeout.toMillis() + "ms (stdin was left open)",
          e);
    } catch (ExecutionException e) {
      throw new IllegalArgumentException(
          "cannot read the hook input: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalArgumentException("interrupted while reading the hook input", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the hook input: " + e.getMessage(), e);
    }
  }

  /**
   * The input's fields; blank input has none.
   *
   * @throws IllegalArgumentException when the text is not a JSON object
   */
  static HookInput parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the hook input is not valid JSON: " + firstLine(e.getMessage()), e);
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NONE;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("the hook input is not a JSON object");
    }
    return new HookInput(
        text(node, "session_id"),
        text(node, "transcript_path"),
        text(node, "cwd"),
        text(node, "source"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank() ? null : v.asText();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
