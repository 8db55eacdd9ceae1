package dev.coordd.daemon.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoorddException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.RateLimitedException;
import dev.coordd.api.UnavailableException;
import dev.coordd.internal.Json;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to HTTP answers: {@code {"error": {"code", "message", "field"?}}}
 * with the status that fits (400 naming the field, 404, 409, 429 with Retry-After, 503, and 500 for
 * a bug, which is logged); a browser asking for HTML without a session gets {@link SignInPage}
 * instead. Stateless and thread-safe.
 */
final class ErrorAnswers {
  private static final Logger log = LoggerFactory.getLogger(ErrorAnswers.class);

  private ErrorAnswers() {}

  static int status(CoorddException e) {
    return switch (e) {
      case InvalidRequestException x -> 400;
      case NotFoundException x -> 404;
      case ConflictException x -> 409;
      case RateLimitedException x -> 429;
      case UnavailableException x -> 503;
      default -> 500;
    };
  }

  static void coordd(CoorddException e, Context ctx) {
    ObjectNode error = body(e.code(), e.getMessage());
    if (e instanceof InvalidRequestException ire && ire.field() != null) {
      error.with("error").put("field", ire.field());
    }
    if (e instanceof RateLimitedException rl) {
      ctx.header("Retry-After", Long.toString(Math.max(1, (rl.retryAfterMs() + 999) / 1000)));
      error.with("error").put("retryAfterMs", rl.retryAfterMs());
    }
    Answers.json(ctx.status(status(e)), error);
  }

  static void http(HttpError e, Context ctx) {
    if (e.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"coordd\"");
      if (SignInPage.wanted(ctx)) {
        SignInPage.answer(ctx); // a browser opening the dashboard: say how to log in
        return;
      }
    }
    Answers.json(ctx.status(e.status()), body(e.code(), e.getMessage()));
  }

  static void unexpected(Exception e, Context ctx) {
    log.error("HTTP {} {} failed", ctx.method(), ctx.path(), e);
    Answers.json(
        ctx.status(500),
        body("internal", "internal error: " + e + "; the daemon logged it, please report it"));
  }

  static ObjectNode body(String code, String message) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("error").put("code", code).put("message", message);
    return root;
  }
}
