/**
 * How the daemon tells itself that something changed: the {@link dev.coordd.daemon.notify.Notifier}
 * seam, the {@link dev.coordd.daemon.notify.Change} records it carries, the in-process
 * implementation, and {@link dev.coordd.daemon.notify.PgNotifier}, which wraps it for daemons
 * sharing a PostgreSQL store (LISTEN/NOTIFY). Waiters (claimers, task waits, event and lock waits,
 * the dispatcher) and listeners (a live feed) depend only on the interface. Claimers waiting for
 * work are kept by what they can take ({@link dev.coordd.daemon.notify.ClaimWait}), so a new task
 * wakes one of them.
 */
package dev.coordd.daemon.notify;
