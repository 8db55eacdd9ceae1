package dev.coordd.daemon.rpc;

import dev.coordd.daemon.config.DaemonConfig;
import java.time.Duration;

/**
 * What the socket door allows one caller, from the configuration.
 *
 * @param maxPayloadBytes the configuration's cap on data and results; a request line may be this
 *     plus {@link #ENVELOPE_BYTES}
 * @param maxConnections connections served at once
 * @param idleTimeout how long a connection may send nothing while no request of it is in progress
 */
public record SocketLimits(int maxPayloadBytes, int maxConnections, Duration idleTimeout) {
  /** Room on a request line for everything around the payload (method, ids, other params). */
  public static final int ENVELOPE_BYTES = 64 * 1024;

  public static SocketLimits of(DaemonConfig config) {
    return new SocketLimits(
        config.maxPayloadBytes(), config.socket().maxConnections(), config.socket().idleTimeout());
  }

  int maxLineBytes() {
    return maxPayloadBytes + ENVELOPE_BYTES;
  }
}
