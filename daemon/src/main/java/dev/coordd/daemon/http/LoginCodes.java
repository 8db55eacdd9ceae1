package dev.coordd.daemon.http;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time login codes for {@code /login?code=}: {@code <expiry>.<nonce>.<hmac>}, signed with the
 * token by whoever can read the token file ({@code coordd dashboard}), so the token itself never
 * sits in a URL or a browser's history. The daemon accepts a code once, before it expires; used
 * nonces are remembered until then, so the memory they take is bounded by the codes minted in the
 * last {@link #LIFETIME}. Thread-safe.
 */
public final class LoginCodes {
  /** Long enough to paste a link into a browser, short enough that an old one is worthless. */
  public static final Duration LIFETIME = Duration.ofMinutes(2);

  private static final int MAX_REMEMBERED = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String token;
  private final Clock clock;
  private final Map<String, Long> used = new ConcurrentHashMap<>();

  LoginCodes(String token, Clock clock) {
    this.token = token;
    this.clock = clock;
  }

  /** A fresh code, valid for {@link #LIFETIME} from {@code nowMillis}. */
  public static String mint(String token, long nowMillis) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String body = (nowMillis + LIFETIME.toMillis()) + "." + HexFormat.of().formatHex(nonce);
    return body + "." + Macs.sign(token, "login:" + body);
  }

  /** True once for a genuine code that has not expired; every later try is false. */
  boolean redeem(String code) {
    if (code == null || code.length() > 200) {
      return false;
    }
    String[] parts = code.split("\\.", -1);
    if (parts.length != 3
        || !Macs.same(parts[2], Macs.sign(token, "login:" + parts[0] + "." + parts[1]))) {
      return false;
    }
    long expires;
    try {
      expires = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      return false;
    }
    long now = clock.millis();
    if (now > expires || expires - now > LIFETIME.toMillis()) {
      return false;
    }
    forgetExpired(now);
    if (used.size() >= MAX_REMEMBERED) {
      return false; // a flood of genuine codes: refuse rather than forget one still valid
    }
    return used.putIfAbsent(parts[1], expires) == null;
  }

  private void forgetExpired(long now) {
    for (Iterator<Long> it = used.values().iterator(); it.hasNext(); ) {
      if (it.next() < now) {
        it.remove();
      }
    }
  }
}
