package dev.coordd.daemon.store;

import dev.coordd.api.Lock;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Lock steps, with the SQL of the transaction's dialect ({@link LockSql}, which also says when a
 * lease is live). The daemon's own name is never stale to itself (its leases still expire).
 * Stateless and thread-safe.
 */
public final class LockStore {
  private final String self;

  /**
   * @param self the daemon's own agent name, never stale to itself
   */
  public LockStore(String self) {
    this.self = self;
  }

  /**
   * Deletes expired leases and those of stale or signed-off holders; returns how many. The first
   * step of every acquire, so it first takes the lock table's turn where several daemons write
   * ({@link LockSql#serialize}): held until the transaction ends, it keeps the conflict check and
   * the upsert after it atomic across daemons.
   */
  public int purge(Tx tx, long now, long staleCutoff) throws SQLException {
    String serialize = tx.sql().locks().serialize();
    if (serialize != null) {
      tx.query(serialize, rs -> null);
    }
    return tx.update(tx.sql().locks().purge(), now, self, staleCutoff);
  }

  /** Live leases, by resource then holder. */
  public List<Lock> live(Tx tx, long now, long staleCutoff) throws SQLException {
    return tx.query(tx.sql().locks().live(), LockStore::lock, now, self, staleCutoff);
  }

  /**
   * Candidates for a conflict with {@code resource}: leases of holders other than {@code holder}
   * (all of them when {@code resource} is a glob; the same name or globs when it is plain). The
   * caller decides the overlap. Assumes dead leases were just purged.
   */
  public List<Lock> othersThan(Tx tx, String holder, String resource, boolean glob)
      throws SQLException {
    return glob
        ? tx.query(tx.sql().locks().others(), LockStore::lock, holder)
        : tx.query(tx.sql().locks().othersForName(), LockStore::lock, holder, resource);
  }

  public Lock get(Tx tx, String resource, String holder) throws SQLException {
    return tx.queryOne(tx.sql().locks().one(), LockStore::lock, resource, holder);
  }

  public Lock upsert(
      Tx tx, String resource, String holder, boolean shared, long now, long expiresAt)
      throws SQLException {
    return tx.queryOne(
        tx.sql().locks().upsert(), LockStore::lock, resource, holder, shared, now, expiresAt);
  }

  /** True when the row existed (live or not). */
  public boolean delete(Tx tx, String resource, String holder) throws SQLException {
    return tx.update(tx.sql().locks().delete(), resource, holder) > 0;
  }

  /** The live holders of exactly {@code resource}. */
  public List<Lock> holders(Tx tx, String resource, long now, long staleCutoff)
      throws SQLException {
    return tx.query(tx.sql().locks().holders(), LockStore::lock, resource, now, self, staleCutoff);
  }

  private static Lock lock(ResultSet rs) throws SQLException {
    return new Lock(
        rs.getString("resource"),
        rs.getString("holder"),
        rs.getBoolean("shared"),
        rs.getLong("acquired_at"),
        rs.getLong("expires_at"));
  }
}
