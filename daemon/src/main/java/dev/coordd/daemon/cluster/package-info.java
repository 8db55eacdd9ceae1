/**
 * Several daemons on one shared PostgreSQL store: who runs the once-per-cluster chores ({@link
 * dev.coordd.daemon.cluster.Leadership}), and the {@link dev.coordd.daemon.cluster.Cluster} that
 * builds, for the configured store, the notifier and the leadership a daemon uses. On SQLite there
 * is one daemon per store, always the leader, with the in-process notifier.
 */
package dev.coordd.daemon.cluster;
