package dev.coordd.daemon.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Set;

/**
 * Who may ask: every request but the public paths (the probes, the login) carries the token as
 * {@code Authorization: Bearer <token>} or the session cookie the login set. Thread-safe.
 *
 * <p>CSRF: a request with the cookie that changes something must also carry {@code X-Coordd: 1}.
 * SameSite=Strict alone is not enough here: every port of 127.0.0.1 is the same site, so a page
 * served by any other local program would have its forms and fetches carry our cookie. A custom
 * header cannot be sent across origins without a CORS preflight, which this server never grants.
 * Bearer requests need no header: a browser never adds a token by itself.
 */
final class Auth {
  static final String CSRF_HEADER = "X-Coordd";

  private final String token;
  private final Sessions sessions;
  private final Set<String> publicPaths;

  Auth(String token, Sessions sessions, Set<String> publicPaths) {
    this.token = token;
    this.sessions = sessions;
    this.publicPaths = Set.copyOf(publicPaths);
  }

  void check(Context ctx) {
    if (publicPaths.contains(ctx.path())) {
      return;
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      if (Macs.same(authorization.substring(7).strip(), token)) {
        return;
      }
      throw HttpError.unauthorized(); // a wrong token is not rescued by a cookie
    }
    if (!sessions.valid(ctx.cookie(Sessions.COOKIE))) {
      throw HttpError.unauthorized();
    }
    if (changes(ctx.method()) && !"1".equals(ctx.header(CSRF_HEADER))) {
      throw new HttpError(
          403,
          "csrf",
          "a request that changes something with the session cookie must also send the header '"
              + CSRF_HEADER
              + ": 1' (it proves the request comes from the dashboard, not another page)");
    }
  }

  private static boolean changes(HandlerType method) {
    return method != HandlerType.GET && method != HandlerType.HEAD && method != HandlerType.OPTIONS;
  }
}
