package dev.coordd.daemon.http;

import dev.coordd.api.InvalidRequestException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A list request's query parameters, checked: only the known names, each once, and {@code limit}
 * within 1–{@link #MAX_LIMIT}. Every refusal names the parameter, so a caller can fix it.
 */
final class Query {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final Context ctx;

  private Query(Context ctx) {
    this.ctx = ctx;
  }

  /** Refuses parameters other than {@code known} (plus cursor and limit). */
  static Query of(Context ctx, String... known) {
    Set<String> allowed = new TreeSet<>(List.of(known));
    allowed.add("cursor");
    allowed.add("limit");
    for (var e : ctx.queryParamMap().entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw new InvalidRequestException(
            e.getKey(), "unknown parameter '" + e.getKey() + "'; this list takes " + allowed);
      }
      if (e.getValue().size() > 1) {
        throw new InvalidRequestException(
            e.getKey(), "parameter '" + e.getKey() + "' is given more than once");
      }
    }
    return new Query(ctx);
  }

  /** The parameter, or null when absent or empty. */
  String text(String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isEmpty() ? null : v;
  }

  int limit() {
    String v = text("limit");
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new InvalidRequestException(
        "limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + v + "'");
  }

  /** The key the cursor stands for, or null for the first page. */
  String cursor(String kind) {
    return Cursors.decode(text("cursor"), kind);
  }
}
