/**
 * The Java client: {@link dev.coordd.client.CoorddClient} implements the service over the daemon's
 * Unix socket.
 */
package dev.coordd.client;
