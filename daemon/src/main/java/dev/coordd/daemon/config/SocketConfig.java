package dev.coordd.daemon.config;

import java.time.Duration;

/**
 * Limits of the Unix-socket door, so that no caller can exhaust it. Defaults are the schema's.
 *
 * @param maxConnections connections served at once; one more is answered with an error and closed
 * @param idleTimeout a connection that sends nothing this long, with no request in progress (long
 *     waits included), is closed
 */
public record SocketConfig(int maxConnections, Duration idleTimeout) {}
