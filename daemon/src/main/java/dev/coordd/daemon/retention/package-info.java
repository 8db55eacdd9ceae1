/**
 * Retention of finished work: the daemon deletes old finished tasks (with their runs and dependency
 * links), old inbox {@code done/} and {@code rejected/} files and old archived invocations itself,
 * in bounded batches off the housekeeper's lease-reaping path ({@link
 * dev.coordd.daemon.retention.RetentionRunner}).
 */
package dev.coordd.daemon.retention;
