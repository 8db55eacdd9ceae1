/**
 * The daemon: {@link dev.coordd.daemon.Daemon} starts and stops everything below and owns the
 * home's lock; nothing else here is public API.
 */
package dev.coordd.daemon;
