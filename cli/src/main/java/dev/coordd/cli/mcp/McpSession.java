package dev.coordd.cli.mcp;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Task;
import dev.coordd.daemon.spec.Rules;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who one {@code coordd mcp} server speaks for, and the claims it made. With {@code --agent ROLE}
 * the server is the session instance {@code ROLE@<6 hex>} (random per server, so two sessions of
 * one role are two agents): tools may omit {@code agent}, and the role name itself means the
 * instance. The tokens of the claims this session made are remembered, so task_complete and
 * task_fail need no token from the model. Thread-safe.
 */
final class McpSession {
  /** Remembered claims at most; the oldest is forgotten first (the daemon still has it). */
  static final int MAX_REMEMBERED = 512;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String role;
  private final String instance;
  private final String kind;
  private final Map<String, String> tokens =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };

  private McpSession(String role, String instance, String kind) {
    this.role = role;
    this.instance = instance;
    this.kind = kind;
  }

  /** A session that speaks as whichever agent each call names (no {@code --agent}). */
  static McpSession anonymous() {
    return new McpSession(null, null, null);
  }

  /** The session instance of {@code role}: {@code role@<6 random hex>}. */
  static McpSession of(String role, String kind) {
    byte[] bytes = new byte[3];
    RANDOM.nextBytes(bytes);
    return of(role, kind, role + "@" + HexFormat.of().formatHex(bytes));
  }

  static McpSession of(String role, String kind, String instance) {
    if (role == null || !Rules.isName(role) || role.contains("@")) {
      throw new InvalidRequestException(
          "agent",
          "--agent takes a role name like reviewer (1-128 letters, digits and . _ : -, no @);"
              + " the server adds @<6 hex> itself, got: "
              + role);
    }
    if (kind != null && !Rules.isName(kind)) {
      throw new InvalidRequestException(
          "kind", "--kind takes an agent kind like claude_code, got: " + kind);
    }
    return new McpSession(role, instance, kind);
  }

  /** The instance name, or null without {@code --agent}. */
  String instance() {
    return instance;
  }

  String role() {
    return role;
  }

  /** How the session instance registers itself (null without {@code --agent}). */
  AgentRegistration registration() {
    return instance == null ? null : new AgentRegistration(instance, kind, List.of(), null);
  }

  /**
   * The agent a call acts as: the one it names, except that the role name means this session's
   * instance; none named means the instance too. Null when there is neither.
   */
  String agent(String named) {
    if (named == null || named.equals(role)) {
      return instance;
    }
    return named;
  }

  /** Remembers the tokens of the tasks a claim by this server returned. */
  synchronized void claimed(List<Task> tasks) {
    for (Task t : tasks) {
      if (t.claimToken() != null) {
        tokens.put(t.id(), t.claimToken());
      }
    }
  }

  /** The token of task {@code id} if this session claimed it, else null. */
  synchronized String token(String id) {
    return id == null ? null : tokens.get(id);
  }

  /** The attempt ended; its token is of no further use. */
  synchronized void ended(String id) {
    tokens.remove(id);
  }
}
