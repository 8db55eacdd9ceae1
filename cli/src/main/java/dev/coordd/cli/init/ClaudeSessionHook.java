package dev.coordd.cli.init;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.cli.Shell;
import java.nio.file.Path;
import java.util.List;

/**
 * coordd's hooks in Claude Code's settings.json: SessionStart (check the session in, show what
 * waits for it) and SessionEnd (sign it off, so what it holds goes back to the queue at once).
 */
final class ClaudeSessionHook {
  private ClaudeSessionHook() {}

  /** Both of coordd's hooks, each added or updated in place; other hooks are left alone. */
  static void merge(Path file, ObjectNode root, String startCommand, String endCommand)
      throws Refused {
    merge(file, root, "SessionStart", "session-start", startCommand);
    merge(file, root, "SessionEnd", "session-end", endCommand);
  }

  /**
   * Adds coordd's hook for {@code event} ({@code hooks.<event>[].hooks[]} of type command), or
   * updates the command of the coordd hook already there; other hooks are left alone.
   */
  static void merge(Path file, ObjectNode root, String event, String subcommand, String command)
      throws Refused {
    JsonNode hooks = root.get("hooks");
    if (hooks == null || hooks.isNull()) {
      hooks = root.putObject("hooks");
    } else if (!hooks.isObject()) {
      throw new Refused(
          file
              + ": \"hooks\" is not an object; nothing was changed: make it an object of hook"
              + " events, then run coordd init again");
    }
    JsonNode groups = hooks.get(event);
    if (groups == null || groups.isNull()) {
      groups = ((ObjectNode) hooks).putArray(event);
    } else if (!groups.isArray()) {
      throw new Refused(
          file
              + ": \"hooks."
              + event
              + "\" is not an array; nothing was changed: make it an array of hook groups, then"
              + " run coordd init again");
    }
    boolean found = false;
    for (JsonNode group : groups) {
      if (!(group.get("hooks") instanceof ArrayNode handlers)) {
        continue;
      }
      for (JsonNode h : handlers) {
        if (h instanceof ObjectNode handler
            && isCoorddHook(h.path("command").asText(), subcommand)) {
          found = true;
          if (!"command".equals(handler.path("type").asText())) {
            handler.put("type", "command");
          }
          String wanted = keepUserFlags(handler.path("command").asText(), command, subcommand);
          if (!wanted.equals(handler.path("command").asText())) {
            handler.put("command", wanted);
          }
        }
      }
    }
    if (!found) {
      ObjectNode group = ((ArrayNode) groups).addObject();
      group.putArray("hooks").addObject().put("type", "command").put("command", command);
    }
  }

  /**
   * The desired hook command plus the flags the user added to the existing one (an --agent, a
   * --timeout…): init owns only the launcher and --home.
   */
  static String keepUserFlags(String existing, String desired) {
    return keepUserFlags(existing, desired, "session-start");
  }

  static String keepUserFlags(String existing, String desired, String subcommand) {
    List<String> old = Shell.split(existing);
    int at = old.indexOf(subcommand);
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

  static boolean isCoorddHook(String command, String subcommand) {
    return command.contains("coordd") && command.contains("hook " + subcommand);
  }
}
