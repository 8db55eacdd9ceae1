package dev.coordd.daemon.store;

import dev.coordd.api.Lock;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Lock statements, standard SQL for every dialect. A lease is <em>live</em> while it has not
 * expired ({@code expires_at > now}) and its holder is not stale: the holder's last heartbeat is at
 * or after the stale cutoff and it has not signed off; a holder that was never registered is judged
 * by the lease's {@code acquired_at}. The daemon's own name is never stale to itself (its leases
 * still expire). Stateless and thread-safe.
 */
public final class LockStore {
  /** Parameters: now, the daemon's name, stale cutoff. */
  private static final String LIVE =
      "expires_at > ? AND (holder = ? OR COALESCE("
          + "(SELECT CASE WHEN a.signed_off = 0 THEN a.last_heartbeat ELSE -1 END"
          + " FROM agents a WHERE a.name = locks.holder), acquired_at) >= ?)";

  private static final String PURGE = "DELETE FROM locks WHERE NOT (" + LIVE + ")";

  private static final String LIVE_LOCKS =
      "SELECT * FROM locks WHERE " + LIVE + " ORDER BY resource, holder";

  /** Every other holder's lease; run after {@link #PURGE} in the same transaction. */
  private static final String OTHERS = "SELECT * FROM locks WHERE holder <> ?";

  /**
   * Other holders' leases that can overlap a plain name: the same name, or any glob (a resource
   * holding one of the wildcard characters {@code * ? [ {}).
   */
  private static final String OTHERS_FOR_NAME =
      "SELECT * FROM locks WHERE holder <> ?"
          + " AND (resource = ? OR resource LIKE '%*%' OR resource LIKE '%?%'"
          + " OR resource LIKE '%[%' OR resource LIKE '%{%')";

  private static final String ONE = "SELECT * FROM locks WHERE resource = ? AND holder = ?";

  /** A re-acquire keeps acquired_at and takes the new mode and expiry. */
  private static final String UPSERT =
      "INSERT INTO locks (resource, holder, shared, acquired_at, expires_at)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (resource, holder) DO UPDATE"
          + " SET shared = excluded.shared, expires_at = excluded.expires_at RETURNING *";

  private static final String DELETE = "DELETE FROM locks WHERE resource = ? AND holder = ?";

  private static final String HOLDERS =
      "SELECT * FROM locks WHERE resource = ? AND " + LIVE + " ORDER BY holder";

  private final String self;

  /**
   * @param self the daemon's own agent name, never stale to itself
   */
  public LockStore(String self) {
    this.self = self;
  }

  /** Deletes expired leases and those of stale or signed-off holders; returns how many. */
  public int purge(Tx tx, long now, long staleCutoff) throws SQLException {
    return tx.update(PURGE, now, self, staleCutoff);
  }

  /** Live leases, by resource then holder. */
  public List<Lock> live(Tx tx, long now, long staleCutoff) throws SQLException {
    return tx.query(LIVE_LOCKS, LockStore::lock, now, self, staleCutoff);
  }

  /**
   * Candidates for a conflict with {@code resource}: leases of holders other than {@code holder}
   * (all of them when {@code resource} is a glob; the same name or globs when it is plain). The
   * caller decides the overlap. Assumes dead leases were just purged.
   */
  public List<Lock> othersThan(Tx tx, String holder, String resource, boolean glob)
      throws SQLException {
    return glob
        ? tx.query(OTHERS, LockStore::lock, holder)
        : tx.query(OTHERS_FOR_NAME, LockStore::lock, holder, resource);
  }

  public Lock get(Tx tx, String resource, String holder) throws SQLException {
    return tx.queryOne(ONE, LockStore::lock, resource, holder);
  }

  public Lock upsert(
      Tx tx, String resource, String holder, boolean shared, long now, long expiresAt)
      throws SQLException {
    return tx.queryOne(UPSERT, LockStore::lock, resource, holder, shared ? 1 : 0, now, expiresAt);
  }

  /** True when the row existed (live or not). */
  public boolean delete(Tx tx, String resource, String holder) throws SQLException {
    return tx.update(DELETE, resource, holder) > 0;
  }

  /** The live holders of exactly {@code resource}. */
  public List<Lock> holders(Tx tx, String resource, long now, long staleCutoff)
      throws SQLException {
    return tx.query(HOLDERS, LockStore::lock, resource, now, self, staleCutoff);
  }

  private static Lock lock(ResultSet rs) throws SQLException {
    return new Lock(
        rs.getString("resource"),
        rs.getString("holder"),
        rs.getInt("shared") != 0,
        rs.getLong("acquired_at"),
        rs.getLong("expires_at"));
  }
}
