package dev.coordd.daemon.store;

/**
 * Lock statements in standard SQL. A lease is <em>live</em> while it has not expired ({@code
 * expires_at > now}) and its holder is not stale: the holder's last heartbeat is at or after the
 * stale cutoff and it has not signed off; a holder that was never registered is judged by the
 * lease's {@code acquired_at}. The daemon's own name is never stale to itself.
 */
class LockSql {
  /** Parameters: now, the daemon's name, stale cutoff. */
  private static final String LIVE =
      "expires_at > ? AND (holder = ? OR COALESCE("
          + "(SELECT CASE WHEN a.signed_off = FALSE THEN a.last_heartbeat ELSE -1 END"
          + " FROM agents a WHERE a.name = locks.holder), acquired_at) >= ?)";

  /**
   * A statement that makes lock transactions take turns until they commit, or null where one writer
   * already does (SQLite). Without it two daemons could each find no conflicting holder and each
   * write its own exclusive lease on one resource.
   */
  String serialize() {
    return null;
  }

  /** Parameters: as {@link #LIVE}. */
  String purge() {
    return "DELETE FROM locks WHERE NOT (" + LIVE + ")";
  }

  /** Parameters: as {@link #LIVE}. */
  String live() {
    return "SELECT * FROM locks WHERE " + LIVE + " ORDER BY resource, holder";
  }

  /** Every other holder's lease; run after {@link #purge} in the same transaction. */
  String others() {
    return "SELECT * FROM locks WHERE holder <> ?";
  }

  /**
   * Other holders' leases that can overlap a plain name: the same name, or any glob (a resource
   * holding one of the wildcard characters {@code * ? [ {}).
   */
  String othersForName() {
    return "SELECT * FROM locks WHERE holder <> ?"
        + " AND (resource = ? OR resource LIKE '%*%' OR resource LIKE '%?%'"
        + " OR resource LIKE '%[%' OR resource LIKE '%{%')";
  }

  String one() {
    return "SELECT * FROM locks WHERE resource = ? AND holder = ?";
  }

  /** A re-acquire keeps acquired_at and takes the new mode and expiry. */
  String upsert() {
    return "INSERT INTO locks (resource, holder, shared, acquired_at, expires_at)"
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (resource, holder) DO UPDATE"
        + " SET shared = excluded.shared, expires_at = excluded.expires_at RETURNING *";
  }

  String delete() {
    return "DELETE FROM locks WHERE resource = ? AND holder = ?";
  }

  /** Parameters: resource, then as {@link #LIVE}. */
  String holders() {
    return "SELECT * FROM locks WHERE resource = ? AND " + LIVE + " ORDER BY holder";
  }
}
