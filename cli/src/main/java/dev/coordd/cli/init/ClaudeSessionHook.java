package dev.coordd.cli.init;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.cli.Shell;
import java.nio.file.Path;
import java.util.List;

/** coordd's SessionStart hook in Claude Code's settings.json. */
final class ClaudeSessionHook {
  private ClaudeSessionHook() {}

  /**
   * Adds coordd's SessionStart hook ({@code hooks.SessionStart[].hooks[]} of type command), or
   * updates the command of the coordd hook already there; other hooks are left alone.
   */
  static void merge(Path file, ObjectNode root, String command) throws Refused {
    JsonNode hooks = root.get("hooks");
    if (hooks == null || hooks.isNull()) {
      hooks = root.putObject("hooks");
    } else if (!hooks.isObject()) {
      throw new Refused(
          file
              + ": \"hooks\" is not an object; nothing was changed: make it an object of hook"
              + " events, then run coordd init again");
    }
    JsonNode sessionStart = hooks.get("SessionStart");
    if (sessionStart == null || sessionStart.isNull()) {
      sessionStart = ((ObjectNode) hooks).putArray("SessionStart");
    } else if (!sessionStart.isArray()) {
      throw new Refused(
          file
              + ": \"hooks.SessionStart\" is not an array; nothing was changed: make it an"
              + " array of hook groups, then run coordd init again");
    }
    boolean found = false;
    for (JsonNode group : sessionStart) {
      if (!(group.get("hooks") instanceof ArrayNode handlers)) {
        continue;
      }
      for (JsonNode h : handlers) {
        if (h instanceof ObjectNode handler && isCoorddSessionHook(h.path("command").asText())) {
          found = true;
          if (!"command".equals(handler.path("type").asText())) {
            handler.put("type", "command");
          }
          String wanted = keepUserFlags(handler.path("command").asText(), command);
          if (!wanted.equals(handler.path("command").asText())) {
            handler.put("command", wanted);
          }
        }
      }
    }
    if (!found) {
      ObjectNode group = ((ArrayNode) sessionStart).addObject();
      group.putArray("hooks").addObject().put("type", "command").put("command", command);
    }
  }

  /**
   * The desired hook command plus the flags the user added to the existing one (an --agent, a
   * --timeout…): init owns only the launcher and --home.
   */
  static String keepUserFlags(String existing, String desired) {
    List<String> old = Shell.split(existing);
    int at = old.indexOf("session-start");
    StringBuilder out = new StringBuilder(desired);
    for (int i = at + 1; at >= 0 && i < old.size(); i++) {
      String word = old.get(i);
      if (word.equals("--home")) {
        i++; // and its value
      } else if (!word.startsWith("--home=")) {
        out.append(' ').append(Shell.quote(word));
      }
    }
    return out.toString();
  }

  static boolean isCoorddSessionHook(String command) {
    return command.contains("coordd") && command.contains("hook session-start");
  }
}
