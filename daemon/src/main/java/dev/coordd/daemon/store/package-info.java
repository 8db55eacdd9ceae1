/**
 * The store: the database behind a daemon, opened by {@link dev.coordd.daemon.store.StoreFactory},
 * written through one group-committing {@link dev.coordd.daemon.store.StoreWriter}, with all its
 * SQL in the dialect classes ({@link dev.coordd.daemon.store.SqlDialect} and its statement sets).
 */
package dev.coordd.daemon.store;
