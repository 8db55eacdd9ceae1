package dev.coordd.daemon.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code GET /login?code=}: trades a one-time code from {@code coordd dashboard} for the session
 * cookie and sends the browser to {@code /}. The answer names no reason beyond "used or expired",
 * and the page that follows is reached by a redirect, so the code leaves the address bar at once.
 */
final class LoginRoutes {
  static final String PATH = "/login";

  private final LoginCodes codes;
  private final Sessions sessions;

  LoginRoutes(LoginCodes codes, Sessions sessions) {
    this.codes = codes;
    this.sessions = sessions;
  }

  void addTo(RoutesConfig routes) {
    routes.get(PATH, this::login);
  }

  private void login(Context ctx) {
    if (!codes.redeem(ctx.queryParam("code"))) {
      ctx.status(401)
          .contentType("text/plain;charset=utf-8")
          .result(
              "This login link was used already or has expired (a link works once, within "
                  + LoginCodes.LIFETIME.toMinutes()
                  + " minutes). Run `coordd dashboard` for a new one.\n");
      return;
    }
    ctx.header("Set-Cookie", sessions.setCookieHeader(sessions.mint()));
    ctx.header("Location", "/").status(303);
  }
}
