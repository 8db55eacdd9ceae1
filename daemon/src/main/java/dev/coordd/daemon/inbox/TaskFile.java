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
import dev.coordd.daemon.config.Durations;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inbox file format: one JSON object with the fields of {@link NewTask}, times either as {@code
 * delayMs}/{@code timeoutMs} (integers) or {@code delay}/{@code timeout} (duration text, see {@link
 * Durations}). Kept apart from {@link Inbox} so the format is read and written in one place: what
 * {@link #write} produces, {@link #parse} reads back unchanged.
 *
 * <p>The parser is strict on purpose. A file is written by a program nobody is watching; a typo in
 * a field name ({@code assignedto}) silently dropped would create a task that does something other
 * than what was asked, so unknown fields, wrong types and duplicate keys are refused, naming the
 * field. Value ranges (priority, attempts…) are left to the service, which checks them for every
 * door alike. Stateless and thread-safe.
 */
final class TaskFile {
  static final Set<String> FIELDS =
      Set.of(
          "type",
          "description",
          "data",
          "assignedTo",
          "priority",
          "maxAttempts",
          "idempotencyKey",
          "createdBy",
          "delayMs",
          "timeoutMs",
          "delay",
          "timeout",
          "dependsOn");

  /** The fields in the order the error message lists them. */
  private static final List<String> FIELD_ORDER =
      List.of(
          "type",
          "description",
          "data",
          "assignedTo",
          "priority",
          "delayMs",
          "delay",
          "maxAttempts",
          "timeoutMs",
          "timeout",
          "idempotencyKey",
          "createdBy",
          "dependsOn");

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
    if (!root.isObject()) {
      throw new InvalidRequestException(
          null, "expected a JSON object with the task's fields, got " + kind(root));
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!FIELDS.contains(e.getKey())) {
        unknown.add(e.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidRequestException(
          unknown.get(0),
          (unknown.size() == 1
                  ? "unknown field '" + unknown.get(0) + "'"
                  : "unknown fields '" + String.join("', '", unknown) + "'")
              + "; a task file may have: "
              + String.join(", ", FIELD_ORDER));
    }
    return new NewTask(
        text(root, "type"),
        text(root, "description"),
        object(root, "data"),
        text(root, "assignedTo"),
        integer(root, "priority"),
        millis(root, "delayMs", "delay", false),
        integer(root, "maxAttempts"),
        millis(root, "timeoutMs", "timeout", true),
        text(root, "idempotencyKey"),
        text(root, "createdBy"),
        texts(root, "dependsOn"));
  }

  private static List<String> texts(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw new InvalidRequestException(field, field + " must be an array of task ids");
    }
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new InvalidRequestException(field, field + " must be an array of task ids");
      }
      out.add(e.asText());
    }
    return out;
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

  private static String text(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidRequestException(field, field + " must be a string, got " + kind(v));
    }
    return v.textValue();
  }

  private static JsonNode object(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new InvalidRequestException(field, field + " must be a JSON object, got " + kind(v));
    }
    return v;
  }

  private static Integer integer(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new InvalidRequestException(
          field, field + " must be a whole number, got " + kind(v) + " " + v);
    }
    return v.intValue();
  }

  /** A time given either as integer milliseconds or as duration text, not both. */
  private static Long millis(JsonNode root, String msField, String textField, boolean positive) {
    JsonNode ms = root.get(msField);
    JsonNode text = root.get(textField);
    boolean hasMs = ms != null && !ms.isNull();
    boolean hasText = text != null && !text.isNull();
    if (hasMs && hasText) {
      throw new InvalidRequestException(
          textField, "give either " + msField + " or " + textField + ", not both");
    }
    if (hasMs) {
      if (!ms.isIntegralNumber() || !ms.canConvertToLong()) {
        throw new InvalidRequestException(
            msField,
            msField + " must be a whole number of milliseconds, got " + kind(ms) + " " + ms);
      }
      return ms.longValue();
    }
    if (!hasText) {
      return null;
    }
    if (!text.isTextual()) {
      throw new InvalidRequestException(
          textField,
          textField
              + " must be a duration string like \"5s\" or \"1m30s\", got "
              + kind(text)
              + " "
              + text
              + " (use "
              + msField
              + " for a number of milliseconds)");
    }
    Duration d;
    try {
      d = Durations.parse(text.textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(textField, textField + ": " + e.getMessage());
    }
    // Checked here, not only by the service, so the message names the field the file used.
    if (d.isNegative() || (positive && d.isZero())) {
      throw new InvalidRequestException(
          textField,
          textField
              + " must be "
              + (positive ? "positive" : "zero or more")
              + ", got "
              + text.textValue());
    }
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      throw new InvalidRequestException(textField, textField + " is too long: " + text.textValue());
    }
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> v.getNodeType().toString().toLowerCase();
    };
  }
}
