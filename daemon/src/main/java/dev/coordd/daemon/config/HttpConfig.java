package dev.coordd.daemon.config;

import java.util.Locale;

/**
 * The HTTP door: the REST and JSON-RPC API, the live stream and the dashboard. Off by default: a
 * fixed port would clash when two daemons (two projects) run on one machine, so each operator turns
 * it on with a port of their choosing (or 0 for a free one, which {@code coordd dashboard} finds).
 *
 * @param enabled whether to listen at all
 * @param host the address to listen on; the default, 127.0.0.1, is reachable from this machine only
 * @param port the TCP port; 0 picks a free one
 * @param allowRemote must be true to listen on anything but a loopback address: the first
 *     implementation served every interface unasked, so reaching beyond this machine is a choice
 *     written down, never a default (the token is still required)
 */
public record HttpConfig(boolean enabled, String host, int port, boolean allowRemote) {
  /** The three-part form older configurations and tests use: loopback-only. */
  public HttpConfig(boolean enabled, String host, int port) {
    this(enabled, host, port, false);
  }

  /**
   * True for addresses that only this machine reaches: {@code localhost}, 127.0.0.0/8 and {@code
   * ::1}. Judged on the text, without a name lookup, so a resolver cannot change the answer.
   */
  public boolean loopback() {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
