package dev.coordd.cli.init;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Merges coordd's entries into a JSON settings file: every other key stays, a file that is not a
 * JSON object is refused, and a merge that changes nothing keeps the file's own formatting.
 */
final class JsonMerge {
  private JsonMerge() {}

  /** An edit of the file's root object; refuses shapes it cannot merge into. */
  interface Edit {
    void apply(ObjectNode root) throws Refused;
  }

  /** Reads a JSON object file (absent or blank: empty), applies the edit, and plans the write. */
  static Change plan(Path file, Edit edit, String what) throws IOException {
    String before = ConfigFiles.readIfExists(file);
    ObjectNode root = parseObject(file, before);
    ObjectNode original = root.deepCopy();
    edit.apply(root);
    String after = before != null && root.equals(original) ? before : pretty(root);
    return new Change(file, before, after, "0644", what);
  }

  static ObjectNode parseObject(Path file, String text) throws Refused {
    if (text == null || text.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node =
          Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
    } catch (IOException e) {
      throw new Refused(
          file
              + " is not valid JSON ("
              + ConfigFiles.firstLine(e.getMessage())
              + "); nothing was changed: fix the file or move it away, then run coordd init again");
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new Refused(
          file
              + " does not hold a JSON object; nothing was changed: fix the file"
              + " or move it away, then run coordd init again");
    }
    return obj;
  }

  /**
   * Sets {@code mcpServers.coordd}'s command, args and every other key of {@code desired} (Gemini's
   * trust), keeping the entry's other keys (env, timeout…).
   */
  static void mcpServer(Path file, ObjectNode root, ObjectNode desired) throws Refused {
    JsonNode servers = root.get("mcpServers");
    if (servers == null || servers.isNull()) {
      servers = root.putObject("mcpServers");
    } else if (!servers.isObject()) {
      throw new Refused(
          file
              + ": \"mcpServers\" is not an object; nothing was changed: make it an object"
              + " of servers, then run coordd init again");
    }
    ObjectNode map = (ObjectNode) servers;
    if (map.get("coordd") instanceof ObjectNode entry) {
      desired.properties().forEach(field -> entry.set(field.getKey(), field.getValue()));
    } else {
      map.set("coordd", desired);
    }
  }

  /**
   * Adds {@code value} to the string list at {@code path} (objects and the list created as needed)
   * unless it is there; refuses a path through something that is not an object, or a list that is
   * not an array.
   */
  static void addToList(Path file, ObjectNode root, String value, String... path) throws Refused {
    ObjectNode parent = root;
    String dotted = String.join(".", path);
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode next = parent.get(path[i]);
      if (next == null || next.isNull()) {
        next = parent.putObject(path[i]);
      } else if (!next.isObject()) {
        throw new Refused(
            file
                + ": \""
                + path[i]
                + "\" is not an object; nothing was changed: make it one, then run coordd init"
                + " again");
      }
      parent = (ObjectNode) next;
    }
    String last = path[path.length - 1];
    JsonNode list = parent.get(last);
    if (list == null || list.isNull()) {
      list = parent.putArray(last);
    } else if (!list.isArray()) {
      throw new Refused(
          file
              + ": \""
              + dotted
              + "\" is not an array; nothing was changed: make it an array, then run coordd init"
              + " again");
    }
    for (JsonNode v : list) {
      if (value.equals(v.asText())) {
        return;
      }
    }
    ((ArrayNode) list).add(value);
  }

  /** Two-space indentation and {@code "key": value}, as people and the agent CLIs write it. */
  static String pretty(JsonNode node) {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""));
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    try {
      return Json.MAPPER.writer(printer).writeValueAsString(node) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
