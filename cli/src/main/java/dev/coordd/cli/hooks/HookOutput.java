package dev.coordd.cli.hooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;

/**
 * What a hook prints, in the format of the agent CLI that runs it. Claude Code reads {@code
 * {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "…"}}} on stdout
 * and adds the text to the session's context.
 */
final class HookOutput {
  private HookOutput() {}

  /** Claude Code's SessionStart output, as one line of JSON. */
  static String sessionStart(String context) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("hookSpecificOutput")
        .put("hookEventName", "SessionStart")
        .put("additionalContext", context);
    return Json.write(root);
  }
}
