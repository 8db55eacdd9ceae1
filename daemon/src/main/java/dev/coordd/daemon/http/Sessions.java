package dev.coordd.daemon.http;

import java.time.Clock;
import java.time.Duration;

/**
 * The browser's session cookie: {@code <expiry>.<hmac>} signed with the token. Stateless, so a
 * logged-in page survives a daemon restart, and deleting the token file (a new token) logs every
 * browser out. The cookie never holds the token. Thread-safe.
 */
final class Sessions {
  static final String COOKIE = "coordd_session";
  static final Duration LIFETIME = Duration.ofDays(7);

  private final String token;
  private final Clock clock;

  Sessions(String token, Clock clock) {
    this.token = token;
    this.clock = clock;
  }

  String mint() {
    String expires = Long.toString(clock.millis() + LIFETIME.toMillis());
    return expires + "." + Macs.sign(token, "session:" + expires);
  }

  boolean valid(String cookie) {
    if (cookie == null || cookie.length() > 200) {
      return false;
    }
    int dot = cookie.indexOf('.');
    if (dot < 0) {
      return false;
    }
    String expires = cookie.substring(0, dot);
    if (!Macs.same(cookie.substring(dot + 1), Macs.sign(token, "session:" + expires))) {
      return false;
    }
    try {
      return clock.millis() <= Long.parseLong(expires);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * HttpOnly: page scripts cannot read it; SameSite=Strict: other sites' requests do not carry it.
   */
  String setCookieHeader(String value) {
    return COOKIE
        + "="
        + value
        + "; Path=/; Max-Age="
        + LIFETIME.toSeconds()
        + "; HttpOnly; SameSite=Strict";
  }
}
