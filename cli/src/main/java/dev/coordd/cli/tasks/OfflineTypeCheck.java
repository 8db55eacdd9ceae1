package dev.coordd.cli.tasks;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.config.ConfigException;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * With no daemon to ask, whether the daemon would accept a task's type, so a task nobody would run
 * is refused at once instead of being written to the inbox and rejected later. The daemon accepts a
 * type it has a handler for, any type assigned to an agent, and a type some registered agent lists
 * as a capability; the first two are known from the configuration, the third only to the daemon, so
 * the refusal says how to reach it.
 */
final class OfflineTypeCheck {
  private OfflineTypeCheck() {}

  /**
   * @throws InvalidRequestException when no configured handler takes {@code type} and the task is
   *     assigned to nobody
   */
  static void check(Path home, String type, String assignedTo, Map<String, String> env) {
    if (assignedTo != null) {
      return;
    }
    Set<String> known;
    try {
      known = ConfigLoader.load(home, env, Map.of()).handledTypes();
    } catch (ConfigException e) {
      // The daemon cannot start on it either; the task waits for the fix, as before.
      return;
    }
    if (known.contains(type)) {
      return;
    }
    throw new InvalidRequestException(
        "type",
        "unknown task type '"
            + type
            + "': no daemon is running on "
            + home
            + " and no handler in its configuration takes that type (known types: "
            + String.join(", ", known)
            + "), so nothing was written. Check the spelling; to queue it for an agent, name the"
            + " agent (--assigned-to AGENT); to have the daemon run it, add a command handler to "
            + home.resolve(ConfigLoader.CONFIG_FILE)
            + " ({\"commands\": {\""
            + type
            + "\": {\"command\": [\"your-program\"]}}}); or start the daemon (coordd daemon"
            + " --detach --home "
            + home
            + ") so it can route the type to an agent that lists it as a capability");
  }
}
