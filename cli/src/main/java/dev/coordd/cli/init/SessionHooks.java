package dev.coordd.cli.init;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.cli.Shell;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * coordd's session hooks in the settings format Claude Code, Codex (hooks.json) and Gemini CLI
 * share: {@code hooks.<Event>[] = {matcher?, hooks: [{type: "command", command, …}]}}. SessionStart
 * checks the session in and shows what waits for it; SessionEnd signs it off, so what it holds goes
 * back to the queue at once.
 */
final class SessionHooks {
  private SessionHooks() {}

  /**
   * What init writes into each hook command; the user's other flags (a --timeout, a --capability…)
   * are kept.
   *
   * @param name the handler's {@code name} (Gemini CLI shows and fingerprints it), or null
   * @param ownsAgent whether init sets --agent (given one), else the user's --agent is kept
   * @param endTimeout the SessionEnd handler's {@code timeout} in the CLI's unit, set when it has
   *     none (Codex gives a SessionEnd hook 1 s unless told, 3 s at most), or null
   */
  record Desired(
      String startCommand, String endCommand, String name, boolean ownsAgent, Integer endTimeout) {}

  /** Both of coordd's hooks, each added or updated in place; other hooks are left alone. */
  static void merge(Path file, ObjectNode root, Desired d) throws Refused {
    merge(file, root, "SessionStart", "session-start", d.startCommand(), name(d, "start"), null, d);
    merge(
        file, root, "SessionEnd", "session-end", d.endCommand(), name(d, "end"), d.endTimeout(), d);
  }

  private static String name(Desired d, String which) {
    return d.name() == null ? null : d.name() + "-session-" + which;
  }

  /**
   * Adds coordd's hook for {@code event} ({@code hooks.<event>[].hooks[]} of type command), or
   * updates the command of the coordd hook already there; other hooks are left alone.
   */
  private static void merge(
      Path file,
      ObjectNode root,
      String event,
      String subcommand,
      String command,
      String name,
      Integer timeout,
      Desired d)
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
          String old = handler.path("command").asText();
          String wanted = keepUserFlags(old, command, subcommand, d.ownsAgent());
          if (!wanted.equals(old)) {
            handler.put("command", wanted);
          }
          if (name != null && !name.equals(handler.path("name").asText())) {
            handler.put("name", name);
          }
          if (timeout != null && !handler.has("timeout")) {
            handler.put("timeout", timeout);
          }
        }
      }
    }
    if (!found) {
      ObjectNode handler = ((ArrayNode) groups).addObject().putArray("hooks").addObject();
      if (name != null) {
        handler.put("name", name);
      }
      handler.put("type", "command").put("command", command);
      if (timeout != null) {
        handler.put("timeout", timeout);
      }
    }
  }

  /**
   * The desired hook command plus the flags the user added to the existing one (a --timeout, a
   * --capability…): init owns the command, --home and --kind, and --agent when it was given one.
   */
  static String keepUserFlags(String existing, String desired, String subcommand, boolean agent) {
    Set<String> owned = agent ? Set.of("--home", "--kind", "--agent") : Set.of("--home", "--kind");
    List<String> old = Shell.split(existing);
    int at = old.indexOf(subcommand);
    StringBuilder out = new StringBuilder(desired);
    for (int i = at + 1; at >= 0 && i < old.size(); i++) {
      String word = old.get(i);
      int eq = word.indexOf('=');
      String flag = eq < 0 ? word : word.substring(0, eq);
      if (owned.contains(flag)) {
        if (eq < 0) {
          i++; // and its value
        }
      } else {
        out.append(' ').append(Shell.quote(word));
      }
    }
    return out.toString();
  }

  static boolean isCoorddHook(String command, String subcommand) {
    return command.contains("coordd") && command.contains("hook " + subcommand);
  }
}
