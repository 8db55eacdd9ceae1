package dev.coordd.cli.hooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;

/**
 * What a hook prints: {@code {"hookSpecificOutput": {"hookEventName": "SessionStart",
 * "additionalContext": "…"}}} on stdout, which Claude Code, Codex and Gemini CLI all read and add
 * to the session's context (Codex refuses other keys in hookSpecificOutput, so there are none).
 */
final class HookOutput {
  private HookOutput() {}

  /** The SessionStart output, as one line of JSON. */
  static String sessionStart(String context) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("hookSpecificOutput")
        .put("hookEventName", "SessionStart")
        .put("additionalContext", context);
    return Json.write(root);
  }
}
