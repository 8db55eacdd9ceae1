package dev.coordd.cli.hooks;

import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;

/**
 * Which home and which agent a hook speaks for, the same way for every hook of one session: the
 * session-start hook registers the agent the session-end hook signs off.
 */
final class HookSession {
  private HookSession() {}

  /** {@code --home}, else $COORDD_HOME, else the .coordd of the input's cwd, else ./.coordd. */
  static Path home(Path explicit, HookInput in) {
    if (explicit != null) {
      return explicit.toAbsolutePath().normalize();
    }
    String env = System.getenv("COORDD_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    if (in.cwd() != null) {
      return Path.of(in.cwd()).resolve(DaemonConfig.DEFAULT_HOME).toAbsolutePath().normalize();
    }
    return Path.of(DaemonConfig.DEFAULT_HOME).toAbsolutePath().normalize();
  }

  /** {@code --agent}, else $COORDD_AGENT, else one derived from the session id. */
  static String agent(String explicit, HookInput in) {
    if (explicit != null && !explicit.isBlank()) {
      return explicit.strip();
    }
    String env = System.getenv("COORDD_AGENT");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    return defaultName(in.sessionId());
  }

  /** {@code claude-<first 8 name characters of the session id>}, or {@code claude}. */
  static String defaultName(String sessionId) {
    if (sessionId == null) {
      return "claude";
    }
    StringBuilder sb = new StringBuilder();
    for (char c : sessionId.toCharArray()) {
      if (sb.length() == 8) {
        break;
      }
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.') {
        sb.append(c);
      }
    }
    return sb.isEmpty() ? "claude" : "claude-" + sb;
  }
}
