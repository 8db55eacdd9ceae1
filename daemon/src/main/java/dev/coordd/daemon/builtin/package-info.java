/**
 * The task handlers the daemon ships: {@code file_operation} (sandboxed to the configured roots),
 * {@code coordination} barriers, and command handlers from the configuration.
 */
package dev.coordd.daemon.builtin;
