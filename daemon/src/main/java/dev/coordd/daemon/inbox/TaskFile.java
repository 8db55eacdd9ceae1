package dev.coordd.daemon.inbox;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.daemon.spec.TaskSpecReader;
import dev.coordd.internal.Json;
import java.io.IOException;

/**
 * The inbox file format: one JSON object with the fields of {@link NewTask}, read by {@link
 * TaskSpecReader#INBOX} like a task from any other door (times as {@code delay}/{@code timeout}
 * durations or {@code delayMs}/{@code timeoutMs} milliseconds). Kept apart from {@link Inbox} so
 * the format is read and written in one place: what {@link #write} produces, {@link #parse} reads
 * back unchanged.
 *
 * <p>The parser is strict on purpose. A file is written by a program nobody is watching; a typo in
 * a field name ({@code assignedto}) silently dropped would create a task that does something other
 * than what was asked, so unknown fields, wrong types and duplicate keys are refused, naming the
 * field. Stateless and thread-safe.
 */
final class TaskFile {
  // Trailing garbage after the object and repeated keys are errors, not "last one wins".
  private static final ObjectReader READER =
      Json.MAPPER
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private TaskFile() {}

  /**
   * The file's JSON did not parse. {@code truncated} is true when the text simply stopped (empty,
   * or end of input inside a value): a writer that ignored the rename protocol may still be busy.
   */
  static final class SyntaxException extends InvalidRequestException {
    final boolean truncated;

    SyntaxException(String message, boolean truncated) {
      super(null, message);
      this.truncated = truncated;
    }
  }

  /**
   * Reads a task file.
   *
   * @throws SyntaxException when the text is not JSON, with line and column
   * @throws InvalidRequestException when it is JSON but not a task file, naming the field
   */
  static NewTask parse(byte[] content) {
    JsonNode root;
    try {
      root = READER.readTree(content);
    } catch (JsonProcessingException e) {
      throw new SyntaxException(syntaxMessage(e), e instanceof JsonEOFException);
    } catch (IOException e) {
      // A byte array cannot fail to read; anything here is still a malformed document.
      throw new SyntaxException("not valid JSON: " + e.getMessage(), false);
    }
    if (root == null || root.isMissingNode()) {
      throw new SyntaxException(
          "the file is empty; expected a JSON object like"
              + " {\"type\": \"review\", \"assignedTo\": \"alice\"}",
          true);
    }
    return TaskSpecReader.INBOX.read("", root);
  }

  /** The file text for a task: the field names above, times as integer milliseconds, no nulls. */
  static byte[] write(NewTask task) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    putText(o, "type", task.type());
    putText(o, "description", task.description());
    if (task.data() != null && !task.data().isNull()) {
      o.set("data", task.data());
    }
    putText(o, "assignedTo", task.assignedTo());
    if (task.priority() != null) {
      o.put("priority", task.priority());
    }
    if (task.delayMs() != null) {
      o.put("delayMs", task.delayMs());
    }
    if (task.maxAttempts() != null) {
      o.put("maxAttempts", task.maxAttempts());
    }
    if (task.timeoutMs() != null) {
      o.put("timeoutMs", task.timeoutMs());
    }
    putText(o, "idempotencyKey", task.idempotencyKey());
    putText(o, "createdBy", task.createdBy());
    if (task.dependsOn() != null) {
      o.set("dependsOn", Json.MAPPER.valueToTree(task.dependsOn()));
    }
    try {
      // Indented: people read these files in the inbox, done and rejected folders.
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise the task: " + e.getOriginalMessage(), e);
    }
  }

  private static void putText(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static String syntaxMessage(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    // Jackson's messages may span lines; the error file is one paragraph.
    return "not valid JSON" + where + ": " + oneLine(e.getOriginalMessage());
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
