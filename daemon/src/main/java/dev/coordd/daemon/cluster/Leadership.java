package dev.coordd.daemon.cluster;

/**
 * Whether this daemon runs the chores that must run once per cluster (lease reaping, retention,
 * schedules, lock and barrier expiry, dependency settling). Per-daemon work (its heartbeat, its
 * handlers' timeouts, renewing its own leases) runs on every daemon whatever this says.
 *
 * <p>Leadership can change at any moment, so a chore that asked must still be safe if another
 * daemon runs it at the same time for a short while: every such chore is a compare-and-set in the
 * store (a schedule's next run, a lease's owner and expiry, a task's status), so an overlap costs a
 * wasted query, never a duplicate. Thread-safe.
 */
public interface Leadership extends AutoCloseable {
  /** The only daemon of its store (SQLite): always the leader. */
  Leadership ALWAYS =
      new Leadership() {
        @Override
        public boolean isLeader() {
          return true;
        }

        @Override
        public void close() {}
      };

  /** True while this daemon holds the cluster's leadership; cheap (no round trip). */
  boolean isLeader();

  /** Gives leadership up (another daemon takes it on its next try). */
  @Override
  void close();
}
