/**
 * The task engine around one store: the dispatcher (the daemon's own workers), housekeeping,
 * outcomes and retries, dependencies, barriers and queue policies.
 */
package dev.coordd.daemon.engine;
