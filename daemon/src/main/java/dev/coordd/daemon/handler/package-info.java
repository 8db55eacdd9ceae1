/**
 * The handler API: {@link dev.coordd.daemon.handler.TaskHandler}, its context and failures, and the
 * registry of task types the daemon runs itself.
 */
package dev.coordd.daemon.handler;
