package dev.coordd.daemon.config;

/**
 * The HTTP door. Validated now; takes effect when the HTTP door arrives.
 *
 * @param enabled whether to listen at all
 * @param host the address to listen on; the default, 127.0.0.1, is reachable from this machine only
 * @param port the TCP port; 0 picks a free one
 */
public record HttpConfig(boolean enabled, String host, int port) {}
