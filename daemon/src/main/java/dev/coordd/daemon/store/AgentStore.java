package dev.coordd.daemon.store;

import dev.coordd.api.Agent;
import java.sql.SQLException;
import java.util.List;

/**
 * Agent and barrier statements. Agent status is computed from the last heartbeat against the
 * thresholds given here. Stateless and thread-safe.
 */
public final class AgentStore {
  private final AgentSql sql;
  private final long staleAfterMs;
  private final long offlineAfterMs;

  public AgentStore(SqlDialect sql, long staleAfterMs, long offlineAfterMs) {
    this.sql = sql.agents();
    this.staleAfterMs = staleAfterMs;
    this.offlineAfterMs = offlineAfterMs;
  }

  /** Registers or refreshes; the id of a known name is kept. */
  public Agent upsert(
      Tx tx,
      String newId,
      String name,
      String kind,
      String capabilitiesJson,
      String metadataJson,
      long now)
      throws SQLException {
    return tx.queryOne(
        sql.upsertAgent(),
        rs -> Rows.agent(rs, now, staleAfterMs, offlineAfterMs),
        newId,
        name,
        Tx.text(kind),
        Tx.text(capabilitiesJson),
        Tx.text(metadataJson),
        now,
        now);
  }

  /** Records a beat, registering the name as a plain worker if it is new. */
  public void touch(Tx tx, String newId, String name, long now) throws SQLException {
    tx.update(sql.touchAgent(), newId, name, now, now);
  }

  public Agent heartbeat(Tx tx, String name, long now) throws SQLException {
    return tx.queryOne(
        sql.heartbeat(), rs -> Rows.agent(rs, now, staleAfterMs, offlineAfterMs), now, name);
  }

  public Agent signOff(Tx tx, String name, long now) throws SQLException {
    return tx.queryOne(
        sql.signOff(), rs -> Rows.agent(rs, now, staleAfterMs, offlineAfterMs), name);
  }

  public Agent get(Tx tx, String name, long now) throws SQLException {
    return tx.queryOne(
        sql.agentByName(), rs -> Rows.agent(rs, now, staleAfterMs, offlineAfterMs), name);
  }

  public List<Agent> list(Tx tx, long now) throws SQLException {
    return tx.query(sql.agents(), rs -> Rows.agent(rs, now, staleAfterMs, offlineAfterMs));
  }

  public boolean anyCapable(Tx tx, String type) throws SQLException {
    return tx.count(sql.countCapableAgents(), type) > 0;
  }

  public void arrive(Tx tx, String barrier, String agent, long now) throws SQLException {
    tx.update(sql.arrive(), barrier, agent, now);
  }

  public List<String> arrivals(Tx tx, String barrier) throws SQLException {
    return tx.query(sql.arrivals(), rs -> rs.getString(1), barrier);
  }

  /** Forgets a finished barrier's arrivals, so its name can be used again. */
  public void clearArrivals(Tx tx, String barrier) throws SQLException {
    tx.update(sql.clearArrivals(), barrier);
  }
}
