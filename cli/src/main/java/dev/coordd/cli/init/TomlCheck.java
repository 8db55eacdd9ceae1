package dev.coordd.cli.init;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Jackson's TOML parser as the judge of {@link CodexToml}'s text edit: it reads the user's file
 * before the edit (a file that is not valid TOML is refused) and after it, and the edit stands only
 * if the result holds exactly the intended server entry and everything else the file held.
 */
final class TomlCheck {
  private TomlCheck() {}

  private static final TomlMapper TOML = new TomlMapper();

  /** The file's tables and keys; blank text is an empty file. */
  static ObjectNode read(Path file, String text) throws Refused {
    try {
      return parse(text);
    } catch (IOException e) {
      throw new Refused(
          file
              + " is not valid TOML ("
              + problem(e)
              + "); nothing was changed: fix the file or move it away, then run coordd init again");
    }
  }

  private static ObjectNode parse(String text) throws IOException {
    if (text.isBlank()) {
      return TOML.createObjectNode();
    }
    JsonNode root = TOML.readTree(text);
    return root instanceof ObjectNode table ? table : TOML.createObjectNode();
  }

  /** The parser's complaint and, when it knows it, the line: "line 2: Newline not permitted". */
  private static String problem(IOException e) {
    if (e instanceof JsonProcessingException p) {
      JsonLocation at = p.getLocation();
      String what = ConfigFiles.firstLine(p.getOriginalMessage());
      return at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ": " + what : what;
    }
    return ConfigFiles.firstLine(e.getMessage());
  }

  /**
   * {@code before} as the edit should leave it: {@code mcp_servers.NAME}'s command and args set,
   * its other keys (env, timeouts…) and every other table and key unchanged.
   */
  static ObjectNode withServer(ObjectNode before, String name, String command, List<String> args) {
    return withServer(before, name, command, args, Map.of());
  }

  /** As above, with the string keys of {@code extra} set in the server's table too. */
  static ObjectNode withServer(
      ObjectNode before,
      String name,
      String command,
      List<String> args,
      Map<String, String> extra) {
    ObjectNode want = before.deepCopy();
    ObjectNode servers =
        want.get("mcp_servers") instanceof ObjectNode s ? s : want.putObject("mcp_servers");
    ObjectNode server = servers.get(name) instanceof ObjectNode e ? e : servers.putObject(name);
    server.put("command", command);
    ArrayNode list = server.putArray("args");
    args.forEach(list::add);
    extra.forEach(server::put);
    return want;
  }

  /**
   * Parses the edited text and refuses it unless it holds exactly {@code want}.
   *
   * @param byHand what the user can add by hand instead, named in the refusal
   */
  static void verify(Path file, String edited, ObjectNode want, String byHand) throws Refused {
    ObjectNode got;
    try {
      got = parse(edited);
    } catch (IOException e) {
      throw cannotEdit(file, "its edited text would not be valid TOML: " + problem(e), byHand);
    }
    if (!got.equals(want)) {
      throw cannotEdit(file, "the edit would also change " + firstDifference(want, got), byHand);
    }
  }

  /** A refusal for a file coordd cannot edit safely; it says what to add by hand instead. */
  static Refused cannotEdit(Path file, String why, String byHand) {
    return new Refused(
        "coordd init cannot edit "
            + file
            + " safely ("
            + why
            + "); nothing was changed: add this to it by hand, then run coordd init again to"
            + " check it:\n"
            + byHand);
  }

  /** The dotted key path of the first value that differs between two tables. */
  static String firstDifference(JsonNode want, JsonNode got) {
    StringBuilder path = new StringBuilder();
    while (want instanceof ObjectNode w && got instanceof ObjectNode g) {
      Set<String> keys = new LinkedHashSet<>();
      w.fieldNames().forEachRemaining(keys::add);
      g.fieldNames().forEachRemaining(keys::add);
      String differing =
          keys.stream().filter(k -> !Objects.equals(w.get(k), g.get(k))).findFirst().orElse(null);
      if (differing == null) {
        break;
      }
      path.append(path.isEmpty() ? "" : ".").append(differing);
      want = w.get(differing);
      got = g.get(differing);
    }
    return path.isEmpty() ? "the file's top level" : path.toString();
  }
}
