package dev.coordd.daemon.store;

/**
 * Agent and barrier statements in standard SQL. Abstract where standard SQL has no form: matching a
 * type against an agent's capabilities, a JSON array.
 */
abstract class AgentSql {
  /** Count of signed-on agents whose capabilities (a JSON array) include type {@code ?1}. */
  abstract String countCapableAgents();

  String upsertAgent() {
    return "INSERT INTO agents (id, name, kind, capabilities, metadata, registered_at,"
        + " last_heartbeat, signed_off) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE)"
        + " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,"
        + " capabilities = excluded.capabilities, metadata = excluded.metadata,"
        + " last_heartbeat = excluded.last_heartbeat, signed_off = FALSE RETURNING *";
  }

  /** Registers an unknown agent with defaults, or only records the beat of a known one. */
  String touchAgent() {
    return "INSERT INTO agents (id, name, kind, capabilities, metadata, registered_at,"
        + " last_heartbeat, signed_off) VALUES (?, ?, 'worker', '[]', '{}', ?, ?, FALSE)"
        + " ON CONFLICT (name) DO UPDATE SET last_heartbeat = excluded.last_heartbeat,"
        + " signed_off = FALSE";
  }

  String heartbeat() {
    return "UPDATE agents SET last_heartbeat = ?, signed_off = FALSE WHERE name = ? RETURNING *";
  }

  /**
   * Set-based {@link #heartbeat} (no rows returned); parameters: arrays of name and now. Only where
   * {@link TaskSql#setBased}.
   */
  String heartbeatMany() {
    throw new UnsupportedOperationException("no set-based heartbeat on this database");
  }

  String signOff() {
    return "UPDATE agents SET signed_off = TRUE WHERE name = ? RETURNING *";
  }

  String agents() {
    return "SELECT * FROM agents ORDER BY name";
  }

  String agentByName() {
    return "SELECT * FROM agents WHERE name = ?";
  }

  String arrive() {
    return "INSERT INTO barrier_arrivals (barrier, agent, arrived_at) VALUES (?, ?, ?)"
        + " ON CONFLICT DO NOTHING";
  }

  String arrivals() {
    return "SELECT agent FROM barrier_arrivals WHERE barrier = ? ORDER BY arrived_at, agent";
  }

  String clearArrivals() {
    return "DELETE FROM barrier_arrivals WHERE barrier = ?";
  }
}
