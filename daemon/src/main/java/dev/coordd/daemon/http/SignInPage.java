package dev.coordd.daemon.http;

import io.javalin.http.Context;

/**
 * What a browser that opens the dashboard without a session sees instead of the API's 401 JSON: a
 * static page with no script that says how to get a login link, and nothing else (no version, no
 * path, no hint of what the daemon holds). Only requests whose {@code Accept} names {@code
 * text/html} get it: the dashboard's own fetches and every API client ask for JSON.
 */
final class SignInPage {
  static final String HTML =
      """
      <!doctype html>
      <html lang="en">
      <head><meta charset="utf-8"><title>coordd</title></head>
      <body>
      <p>Run <code>coordd dashboard</code> in the project to get a login link.</p>
      </body>
      </html>
      """;

  /** Nothing on the page may load or run anything. */
  private static final String CSP = "default-src 'none'; base-uri 'none'; form-action 'none'";

  private SignInPage() {}

  /** Whether the request is a browser's navigation (it accepts HTML). */
  static boolean wanted(Context ctx) {
    String accept = ctx.header("Accept");
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
  }

  static void answer(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.status(401).contentType("text/html;charset=utf-8").result(HTML);
  }
}
