package dev.coordd.daemon.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, as a daemon's agent name may carry it. */
public final class HostName {
  private static volatile String cached;

  private HostName() {}

  /**
   * The host name, reduced to the characters an agent name allows (letters, digits, {@code . _ -};
   * anything else becomes {@code -}) and at most 100 of them; {@code localhost} when unknown.
   */
  public static String get() {
    String h = cached;
    if (h == null) {
      h = sanitize(lookup());
      cached = h;
    }
    return h;
  }

  static String sanitize(String raw) {
    String s = raw == null ? "" : raw.strip().replaceAll("[^A-Za-z0-9._-]", "-");
    s = s.replaceAll("^[^A-Za-z0-9]+", "");
    if (s.length() > 100) {
      s = s.substring(0, 100);
    }
    return s.isEmpty() ? "localhost" : s;
  }

  private static String lookup() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "localhost";
    }
  }
}
