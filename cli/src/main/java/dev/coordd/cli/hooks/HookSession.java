package dev.coordd.cli.hooks;

import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which home and which agent a hook speaks for, the same way for every hook of one session: the
 * session-start hook registers the agent the session-end hook signs off.
 */
final class HookSession {
  private HookSession() {}

  /** Characters of the session id that name a session instance ({@code ROLE@<these>}). */
  static final int SESSION_CHARS = 8;

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

  /**
   * The session's agent name. {@code --agent ROLE} makes it the session instance {@code ROLE@<first
   * 8 name characters of the session id>} (a value that already holds an {@code @}, or a session
   * without an id, is taken as it is); else $COORDD_AGENT as it is; else {@code <kind>-<8
   * characters>}, e.g. {@code claude-abcdef12}.
   */
  static String agent(String role, String kind, HookInput in) {
    if (role != null && !role.isBlank()) {
      String r = role.strip();
      String session = sessionPart(in.sessionId());
      return r.contains("@") || session == null ? r : r + "@" + session;
    }
    String env = System.getenv("COORDD_AGENT");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    return defaultName(kind, in.sessionId());
  }

  /** The role of an instance name ({@code reviewer} of {@code reviewer@1a2b3c4d}), else null. */
  static String roleOf(String name) {
    int at = name.indexOf('@');
    return at > 0 ? name.substring(0, at) : null;
  }

  /** {@code claude-<first 8 name characters of the session id>}, or {@code claude}. */
  static String defaultName(String sessionId) {
    return defaultName("claude_code", sessionId);
  }

  /** {@code <prefix>-<8 characters>}: claude for claude_code, else the kind itself. */
  static String defaultName(String kind, String sessionId) {
    String prefix = prefix(kind);
    String session = sessionPart(sessionId);
    return session == null ? prefix : prefix + "-" + session;
  }

  private static String prefix(String kind) {
    if (kind == null || kind.isBlank() || kind.equals("claude_code")) {
      return "claude";
    }
    String k = kind.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "");
    return k.isEmpty() || !Character.isLetterOrDigit(k.charAt(0)) ? "agent" : k;
  }

  /** The first 8 characters of the session id that a name allows, or null when there are none. */
  static String sessionPart(String sessionId) {
    if (sessionId == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (char c : sessionId.toCharArray()) {
      if (sb.length() == SESSION_CHARS) {
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
    return sb.isEmpty() ? null : sb.toString();
  }
}
